using System.Globalization;
using System.Text.RegularExpressions;

namespace MeshSim.Ovs.Tests.Conformance;

/// <summary>
/// The statistics layout of <c>ovs-ofctl dump-flows</c>: the counters OVS printed are fed to
/// <see cref="OvsFormatter.FormatFlowWithStats"/>, which must reproduce OVS's whole line.
/// </summary>
public sealed partial class StatsFormatConformanceTests : IDisposable
{
    private readonly OvsBridge _bridge = new();

    public void Dispose() => _bridge.Dispose();

    [GeneratedRegex(@"duration=(\d+)(?:\.(\d+))?s, .*n_packets=(\d+), n_bytes=(\d+), .*idle_age=(\d+), (?:hard_age=(\d+), )?")]
    private static partial Regex Counters();

    [OvsFact]
    public void Flow_statistics_lines_match_OVS_layout()
    {
        var lines = CorpusConformanceTests.Corpus("flows.txt").Concat(ThesisConformanceTests.AppendixA).ToList();
        _bridge.Clear();
        Assert.True(_bridge.AddGroups(CorpusConformanceTests.ReferencedGroups).Ok);
        var parsed = OvsRuleFile.ParseFlows(string.Join("\n", lines));
        var accepted = lines.Where((_, i) => !parsed.Errors.Any(e => e.Line == i + 1)).ToList();
        Assert.True(_bridge.AddFlows(accepted).Ok);
        var run = RealOvs.OfCtl("dump-flows", _bridge.Name);
        Assert.True(run.Ok, run.Stderr);
        var theirs = run.Stdout.Split('\n').Where(l => l.StartsWith(' ')).Select(l => l[1..]).ToList();

        // Pair each OVS line with the MeshSim flow whose --no-stats form it contains.
        var byText = parsed.Entries.GroupBy(e => OvsFormatter.FormatFlow(e.Entry)).ToDictionary(g => g.Key, g => g.First().Entry);
        int compared = 0;
        foreach (var line in theirs)
        {
            var m = Counters().Match(line);
            Assert.True(m.Success, "unexpected stats layout: " + line);
            string fraction = m.Groups[2].Success ? m.Groups[2].Value : "";
            long ns = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 1_000_000_000
                      + (fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(9, '0'), CultureInfo.InvariantCulture));
            var stats = new FlowStats(ulong.Parse(m.Groups[3].Value), ulong.Parse(m.Groups[4].Value), ns,
                                      long.Parse(m.Groups[5].Value), m.Groups[6].Success ? long.Parse(m.Groups[6].Value) : null);
            var flow = byText.Values.FirstOrDefault(f => OvsFormatter.FormatFlowWithStats(f, stats) == line);
            Assert.True(flow is not null, "no MeshSim flow formats to: " + line);
            compared++;
        }
        Assert.True(compared > 100, $"only {compared} lines compared");
    }

    [Fact]
    public void Duration_is_printed_like_ofp_print_duration()
    {
        var flow = OvsParser.ParseFlow("ip,actions=drop");
        Assert.Equal("cookie=0x0, duration=1.500s, table=0, n_packets=3, n_bytes=180, idle_age=0, ip actions=drop",
            OvsFormatter.FormatFlowWithStats(flow, new FlowStats(3, 180, 1_500_000_000, 0)));
        Assert.Contains("duration=2.000000001s", OvsFormatter.FormatFlowWithStats(flow, new FlowStats(0, 0, 2_000_000_001, 0)));
        Assert.Contains("duration=7s,", OvsFormatter.FormatFlowWithStats(flow, new FlowStats(0, 0, 7_000_000_000, 0)));
        Assert.Contains("duration=7.250s,", OvsFormatter.FormatFlowWithStats(flow, new FlowStats(0, 0, 7_250_000_000, 0)));
        Assert.Contains("idle_age=4, hard_age=2, ip", OvsFormatter.FormatFlowWithStats(flow, new FlowStats(0, 0, 7_250_000_000, 4, 2)));
        Assert.DoesNotContain("hard_age", OvsFormatter.FormatFlowWithStats(flow, new FlowStats(0, 0, 7_250_000_000, 4, 7)));
    }
}
