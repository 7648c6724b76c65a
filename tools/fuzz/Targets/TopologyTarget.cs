using System.Text;
using MeshSim.Cli.Scenario;

namespace MeshSim.Fuzz.Targets;

/// <summary>P4 tutorials topology.json, read as a scenario (hosts, their shell commands, links).
/// The one documented failure is <see cref="ScenarioException"/>.</summary>
public sealed class TopologyTarget : FuzzTarget
{
    /// <inheritdoc/>
    public override string Name => "topology";
    /// <inheritdoc/>
    public override string Description => "P4 tutorials topology.json";

    /// <inheritdoc/>
    public override IEnumerable<byte[]> Seeds(RepoFiles repo) => repo.Files(Path.Combine("scenarios", "p4-tutorial-basic"), "topology.json");

    /// <inheritdoc/>
    public override IReadOnlyList<string> Dictionary =>
    [
        "\"hosts\"", "\"switches\"", "\"links\"", "\"ip\"", "\"mac\"", "\"commands\"", "\"runtime_json\"", "\"cli_input\"", "\"program\"",
        "\"h1\"", "\"s1-p1\"", "\"0ms\"", "\"10ms\"", "1000", "-1", "null", "true", "[", "]", "{", "}", ",", ":", "\"route add default gw 10.0.1.10 dev eth0\"",
        "\"arp -i eth0 -s 10.0.1.10 08:00:00:00:01:00\"", "\"10.0.1.1/24\"", "\"10.0.1.1/99\"", "\"\\ud800\"", "\"\\u0000\"", "/*", "*/", "//",
    ];

    /// <inheritdoc/>
    public override IReadOnlyList<(string Open, string Close)> Nesting => [("[", "]"), ("{\"a\":", "}"), ("{\"hosts\":", "}")];

    /// <inheritdoc/>
    public override string Run(byte[] input)
    {
        try
        {
            var spec = TutorialScenario.Load(Encoding.UTF8.GetString(input), "fuzz/topology.json");
            return $"ok {spec.Hosts.Count > 0}";
        }
        catch (ScenarioException e)
        {
            return Outcome(e.Message);
        }
    }
}
