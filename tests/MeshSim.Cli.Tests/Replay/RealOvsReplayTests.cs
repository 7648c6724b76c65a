using MeshSim.Cli.Tests.Run;

namespace MeshSim.Cli.Tests.Replay;

/// <summary>
/// `meshsim replay` against a real Open vSwitch: switch s1 of scenarios/thesis-lab.yaml made real by
/// tools/netns/replay-capture.sh (userspace bridge, the rules `meshsim compile` writes, namespaces
/// with real ping, curl and http.server, tcpdump on every port both ways), then the frames that
/// entered the bridge replayed into the model and compared packet by packet, byte for byte, with
/// what the bridge sent, and flow by flow with its n_packets (<see cref="RealBridgeComparison"/>).
/// pcaps/replay-real-s1/ keeps one such capture, so the comparison also runs where there is no OVS.
/// </summary>
[Collection("netns")]
public class RealOvsReplayTests
{
    private static string Stored => Path.Combine(ThesisLabTests.Repo, "pcaps", "replay-real-s1");
    private static string Scenario => Path.Combine(ThesisLabTests.Repo, "scenarios", "thesis-lab.yaml");

    private static (int Code, string Out, string Err) Replay(string dir, params string[] extra) =>
        CliProcess.Run(["replay", .. Enumerable.Range(1, 3).Select(p => Path.Combine(dir, $"p{p}-in.pcap")),
                        "--into", "s1:1", "--into", "s1:2", "--into", "s1:3", "-s", Scenario, .. extra]);

    /// <summary>The fates the capture's traffic is built to meet; a capture that misses one is not a test of it.</summary>
    private static void AssertCoversTheRulesFates(RealBridgeComparison c)
    {
        var fates = c.Verdicts.Select(v => v.ModelFate).ToHashSet();
        Assert.Contains("forwarded to 1", fates);   // ARP answers, hairpin, un-DNATed replies
        Assert.Contains("forwarded to 2", fates);   // plain IPv4 and DNAT to product-api
        Assert.Contains("forwarded to 3", fates);   // DNAT to payments-api and postgres behind the s2 link
        Assert.Contains(fates, f => f.StartsWith("dropped: table 2: flow cookie=0x11d7e0201953706b", StringComparison.Ordinal));        // the deny intention
        Assert.Contains(fates, f => f.StartsWith("dropped: table 0: flow cookie=0x100000000000000 priority=190", StringComparison.Ordinal)); // ICMP to the VIP
        Assert.Contains(fates, f => f.StartsWith("dropped: table 2: flow cookie=0x100000000000000 priority=0", StringComparison.Ordinal));   // no upstream / invalid
        Assert.True(c.Verdicts.Count >= 50 && c.RealFramesOut >= 45, $"{c.Verdicts.Count} packets in, {c.RealFramesOut} out: too little traffic");
        Assert.True(c.FlowsHit >= 25, $"only {c.FlowsHit} of {c.FlowsCompared} flows were hit");
    }

    private static string Explain(RealBridgeComparison c) =>
        $"{c.Disagreements.Count} disagreement(s) between the model and the real bridge:\n" + string.Join("\n", c.Disagreements.Take(20));

    [Fact]
    public void Stored_capture_from_a_real_bridge_replays_to_the_same_fates_and_counters()
    {
        var (code, json, err) = Replay(Stored, "--json");
        Assert.True(code == 0, err);
        var c = new RealBridgeComparison(Stored, 3, json);
        Assert.True(c.Disagreements.Count == 0, Explain(c));
        Assert.All(c.Verdicts, v => Assert.True(v.Agrees, v.Label));
        AssertCoversTheRulesFates(c);
    }

    [Fact]
    public void Stored_capture_verdicts_match_the_golden_file()
    {
        var expected = Path.Combine(Stored, "expected.txt");
        var (code, text, err) = Replay(Stored);
        Assert.True(code == 0, err);
        text = text.Replace(Stored + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("MESHSIM_UPDATE_GOLDEN") == "1") File.WriteAllText(expected, text);
        Assert.Equal(File.ReadAllText(expected), text);
    }

    private static string? MissingTool()
    {
        if (Environment.UserName != "root") return "root";
        foreach (var tool in new[] { "ovs-vswitchd", "ovsdb-server", "ovs-ofctl", "tcpdump", "curl", "ping", "ip", "python3" })
            if (!(Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)))) return tool;
        return null;
    }

    [SkippableFact]
    public void Fresh_capture_on_a_real_ovs_bridge_replays_to_the_same_fates_and_counters()
    {
        if (MissingTool() is { } missing)
        {
            Skip.If(Environment.GetEnvironmentVariable("CI") is null, $"needs {missing}");
            Assert.Fail($"CI must run this test, but {missing} is missing");
        }
        var work = Directory.CreateTempSubdirectory("meshsim-replay-real-");
        try
        {
            var rules = Path.Combine(work.FullName, "rules");
            var (compiled, _, compileErr) = CliProcess.Run("compile", Scenario, "--out", rules);
            Assert.True(compiled == 0, compileErr);
            var capture = Path.Combine(work.FullName, "capture");
            var script = MeshSim.Io.Tests.Live.NetnsFixture.Run(
                $"{Path.Combine(ThesisLabTests.Repo, "tools", "netns", "replay-capture.sh")} {rules} {capture} msrc-", 120_000);
            Assert.True(script.Code == 0, "replay-capture.sh failed: " + script.Output);

            var (code, json, err) = Replay(capture, "--json");
            Assert.True(code == 0, err);
            var c = new RealBridgeComparison(capture, 3, json);
            Assert.True(c.Disagreements.Count == 0, Explain(c));
            AssertCoversTheRulesFates(c);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
