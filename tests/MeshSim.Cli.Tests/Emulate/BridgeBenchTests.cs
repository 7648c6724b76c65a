using MeshSim.Cli.Tests.Run;
using MeshSim.Io.Tests.Live;

namespace MeshSim.Cli.Tests.Emulate;

/// <summary>
/// tools/netns/bridge-bench.sh, small: it must run to the end, measure all three paths, and the
/// simulated path's live bridges must report every frame they received as delivered (at these
/// rates nothing may be lost, and anything lost would have to show in their counters).
/// </summary>
[Collection("netns")]
public class BridgeBenchTests
{
    [SkippableFact]
    public void Bridge_bench_measures_three_paths_and_the_live_bridges_lose_nothing_at_low_rates()
    {
        NetnsFixture.RequireOrSkip("/usr/bin/iperf3");
        var script = Path.Combine(ThesisLabTests.Repo, "tools", "netns", "bridge-bench.sh");
        var meshsim = "dotnet " + Path.Combine(AppContext.BaseDirectory, "meshsim.dll");
        var (code, output) = NetnsFixture.Run($"MESHSIM='{meshsim}' {script} -n 50 -t 1 -u 10M -p msbt-", 240_000);
        Assert.True(code == 0, output);
        var rows = output.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| path", StringComparison.Ordinal)).ToList();
        foreach (var path in new[] { "veth", "Linux bridge", "meshsim emulate", "meshsim emulate (TAP)" })
        {
            Assert.Equal(5, rows.Count(r => r.StartsWith($"| {path} |", StringComparison.Ordinal)));
            Assert.Contains(rows, r => r.StartsWith($"| {path} | ping -i 0.01 | 50 | 0 | 0 % |", StringComparison.Ordinal));
        }
        Assert.DoesNotContain("failed", output);
        var counters = output.Split('\n').Where(l => l.StartsWith("*** live-", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, counters.Count);   // two bridges on veth, two on TAP
        Assert.All(counters, l => Assert.Contains(", lost 0 (", l));
        Assert.Empty(NetnsFixture.Run("ip -o link show | grep msbt- ; ip netns list | grep msbt-", 10_000).Output.Trim());   // it cleaned up
    }
}
