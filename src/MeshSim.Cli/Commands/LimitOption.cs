using System.CommandLine;
using MeshSim.Cli.Scenario;

namespace MeshSim.Cli.Commands;

/// <summary><c>--limit NAME=N</c> (repeatable, on every command): raises one of the <see cref="ScenarioLimits"/>
/// for the scenario the command reads.</summary>
public static class LimitOption
{
    /// <summary>The option; recursive, so it is given once on the root and read by every command.</summary>
    public static Option<string[]> Instance { get; } = new("--limit")
    {
        Description = $"raise a scenario limit, NAME=N ({string.Join(", ", ScenarioLimits.Names)}); repeatable; see docs/scenarios.md",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The limits <paramref name="p"/> asks for (the defaults when <c>--limit</c> is absent).</summary>
    /// <exception cref="UsageException">A setting that is not NAME=N with a known NAME and N ≥ 1.</exception>
    public static ScenarioLimits Read(ParseResult p)
    {
        try
        {
            return ScenarioLimits.Default.With(p.GetValue(Instance) ?? []);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message.StartsWith("--limit", StringComparison.Ordinal) ? e.Message : "--limit: " + e.Message);
        }
    }
}
