using MeshSim.Cli.Run;
using MeshSim.Cli.Scenario;
using MeshSim.Stack.Apps.Load;

namespace MeshSim.Cli.Tests.Run;

/// <summary>
/// scenarios/churn: a new connection per request through the VIP's ct(commit,nat) collapses once the
/// client's ports come round and the reopened connections' reply tuples stay held; the same load on
/// actions=NORMAL does not (docs/churn.md). Shortened to 10 s of traffic, which still spans the onset.
/// </summary>
public class ChurnCliffTests
{
    private const int ClientPorts = 60999 - 32768 + 1;

    private static (LoadResult Load, IReadOnlyList<ConntrackSample> Conntrack) Run(string file)
    {
        var path = Path.Combine(ThesisLabTests.Repo, "scenarios", "churn", file);
        var yaml = File.ReadAllText(path).Replace("duration: 20s", "duration: 10s");
        var report = ScenarioRun.Execute(ScenarioLoader.Load(yaml, path));
        var (_, result) = Assert.Single(report.Traffic);
        Assert.NotNull(result);
        Assert.Contains("# second  conn/s  req/s", RunReportText.ToText(report));
        return (result!, report.Conntrack ?? []);
    }

    [Fact]
    public void Vip_collapses_once_the_client_ports_come_round()
    {
        var (load, conntrack) = Run("vip.yaml");
        var s = load.Seconds.Where(r => r.Second < 10).ToList();
        double before = s.Take(6).Average(r => r.Completed);
        Assert.True(before > 3000, $"{before:0} conn/s before the onset");
        int onset = s.FindIndex(r => r.Completed < before / 4);
        Assert.InRange(onset, 6, 8);
        // The trigger: as many reply tuples are held (live or expired) as the client has ports, so the
        // tuples around its ports are taken and some new connections find none.
        Assert.True(conntrack.Single(c => c.Second == onset + 1).InTable >= ClientPorts, "the tuples around the client's ports are all held");
        var after = s.Skip(onset + 1).ToList();
        Assert.All(after, r => Assert.InRange(r.Completed, 50, before / 4));
        Assert.All(after, r => Assert.True(r.SynRetransmits >= 8, $"second {r.Second}: {r.SynRetransmits} SYN retransmits"));
    }

    [Fact]
    public void Normal_keeps_its_rate_for_the_whole_run()
    {
        var (load, conntrack) = Run("normal.yaml");
        var s = load.Seconds.Where(r => r.Second < 10).ToList();
        Assert.Equal(10, s.Count);
        double first = s[0].Completed;
        Assert.True(first > 3000, $"{first:0} conn/s");
        Assert.All(s, r => Assert.InRange(r.Completed, first * 0.9, first * 1.1));
        Assert.All(s, r => Assert.Equal(0, r.SynRetransmits));
        Assert.All(conntrack, c => Assert.Equal(0, c.InTable));
    }
}
