using System.Text.RegularExpressions;

namespace MeshSim.Cli.Scenario;

/// <summary>
/// Where in a scenario a controller error belongs. The registry and topology name what they reject by
/// path ("services.web.instances...", "hosts.h2: ...", "switches.s1: ..."); this maps such a path back
/// to the item's line, so the message points at the item instead of at line 1.
/// </summary>
internal static partial class RegistryErrorPosition
{
    /// <summary>The position of the item <paramref name="message"/> names, or the file's start when it names none.</summary>
    public static Position Locate(ScenarioSpec s, string message)
    {
        var m = PathPrefix().Match(message);
        if (m.Success)
        {
            var name = m.Groups["name"].Value;
            Position? at = m.Groups["kind"].Value switch
            {
                "services" => s.Services.FirstOrDefault(x => x.Name == name)?.At,
                "hosts" => s.Hosts.FirstOrDefault(x => x.Name == name)?.At,
                "switches" => s.Switches.FirstOrDefault(x => x.Name == name)?.At,
                _ => null,
            };
            if (at is { IsSet: true } p) return p with { Path = "" };
        }
        if (message.StartsWith("intentions", StringComparison.Ordinal) && s.Intentions.Rules.Count > 0) return s.Intentions.Rules[0].At with { Path = "" };
        return new Position(1, 1, "");
    }

    [GeneratedRegex(@"^(?<kind>services|hosts|switches)[.:]\s*'?(?<name>[\w.-]+?)'?[.:\s]")]
    private static partial Regex PathPrefix();
}
