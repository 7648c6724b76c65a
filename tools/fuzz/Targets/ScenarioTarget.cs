using System.Text;
using MeshSim.Cli.Run;
using MeshSim.Cli.Scenario;

namespace MeshSim.Fuzz.Targets;

/// <summary>Scenario YAML: <see cref="ScenarioLoader.Load(string, string, ScenarioLimits?)"/> and the expectations' parser.
/// The one documented failure is <see cref="ScenarioException"/>.</summary>
public sealed class ScenarioTarget : FuzzTarget
{
    /// <inheritdoc/>
    public override string Name => "scenario";
    /// <inheritdoc/>
    public override string Description => "scenario YAML (loader, cross-reference checks, expectations)";

    /// <inheritdoc/>
    public override IEnumerable<byte[]> Seeds(RepoFiles repo) => repo.Files("scenarios", ".yaml", ".yml");

    /// <inheritdoc/>
    public override IReadOnlyList<string> Dictionary =>
    [
        "name: ", "hosts:", "switches:", "links:", "services:", "intentions:", "traffic:", "expect:", "capture:", "mesh:", "limits:", "until: ", "seed: ",
        "- ", "  ", ": ", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ", "!!int ", "!tag ", "? ", "|", ">", "---\n", "...\n", "%YAML 1.2\n", "%TAG ! tag:x,2000:\n",
        "\"", "'", "#", "\\u0000", "\\x", "@", "`", "ip: 10.0.0.1/33", "mac: \"00:00:00:00:00:01\"", "latency: 2ms", "rate: 1Gbps", "requests: ", "concurrency: ",
        "reach: a -> b", "latency: run p99 < 20ms", "flow: s1 cookie=0x1 n_packets > 0", "cookie=0x", "99999999999999999999999999", "1e400s", "7922816251426433759354395033.5Gbps",
        "kind: p4", "program: ", "<<: *a", "\t", "\r\n", "\u00a0", "\ufeff",
    ];

    /// <inheritdoc/>
    public override IReadOnlyList<(string Open, string Close)> Nesting => [("[", "]"), ("{a: ", "}"), ("- ", ""), ("-\n  ", ""), ("[{a: ", "}]"), ("a:\n ", "")];

    // The written form has no 'limits:' key, so it is re-read with limits no input reaches.
    private static readonly ScenarioLimits Generous = ScenarioLimits.Default.With(["hosts=100000000", "switches=100000000", "links=100000000", "services=100000000", "rules=100000000", "requests=1000000000000", "until=1000000000"]);

    /// <inheritdoc/>
    public override string Run(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        try
        {
            var spec = ScenarioLoader.Load(text, "fuzz.yaml");
            _ = Expectation.ParseAll(spec);
            // Every text that loads has a canonical form that loads to itself (write(load(s)) is a fixed point).
            var once = ScenarioWriter.Write(spec);
            var twice = ScenarioWriter.Write(ScenarioLoader.Load(once, "fuzz-written.yaml", Generous));
            if (twice != once) throw new InvalidOperationException($"write(load(s)) is not a fixed point:\n{once}\n---\n{twice}");
            return "ok";
        }
        catch (ScenarioException e)
        {
            return Outcome(e.Message);
        }
    }
}
