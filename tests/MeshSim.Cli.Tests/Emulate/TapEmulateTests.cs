using System.Diagnostics;
using MeshSim.Cli.Run;
using MeshSim.Cli.Scenario;
using MeshSim.Engine;
using MeshSim.Io.Live;
using MeshSim.Io.Tests.Live;

namespace MeshSim.Cli.Tests.Emulate;

/// <summary>
/// TAP devices: <c>meshsim emulate --tap HOST=TAP --configure</c> creates the device, the kernel behind
/// it is the external host, and real ping and curl reach simulated HashiCups through the compiled OVS
/// mesh; two TAPs talk through the simulated switches with conntrack NAT; the device is gone when the
/// run ends. Needs root (CI runs these for real).
/// </summary>
[Collection("netns")]
public class TapEmulateTests
{
    private static void Sh(string command)
    {
        var (code, output) = NetnsFixture.Run(command, 20_000);
        Assert.True(code == 0, $"{command}: {output}");
    }

    private static bool LinkExists(string name, string? netns = null) =>
        NetnsFixture.Run(netns is null ? $"ip link show {name}" : $"ip -n {netns} link show {name}", 10_000).Code == 0;

    [SkippableFact]
    public void Emulate_creates_a_configured_tap_that_real_ping_and_curl_use_and_removes_it()
    {
        NetnsFixture.RequireOrSkip("/usr/bin/curl");
        EmulateOnTap(EmulateTests.ScenarioText, "msim-tap1", "mstap1", ns =>
        {
            var (pingCode, ping) = NetnsFixture.Run($"ip netns exec {ns} ping -c 20 -i 0.05 -q 192.168.1.11", 30_000);
            Assert.True(pingCode == 0, ping);
            Assert.Contains(" 0% packet loss", ping);
            Console.WriteLine($"tap: {ping.Split('\n').LastOrDefault(l => l.StartsWith("rtt", StringComparison.Ordinal))}");
            CurlThroughTheVip(ns);
        }, minimumFrames: 25);   // 20 pings, ARP, the TCP exchange
    }

    /// <summary>The same through the P4 mesh program: its VIP table, ARP responder and reverse translation.</summary>
    [SkippableFact]
    public void Emulate_on_a_tap_serves_real_curl_through_the_p4_mesh()
    {
        NetnsFixture.RequireOrSkip("/usr/bin/curl");
        var p4 = EmulateTests.WithExternalHost(File.ReadAllText(Path.Combine(MeshSim.Cli.Tests.Run.ThesisLabTests.Repo, "scenarios", "thesis-lab-p4.yaml")));
        EmulateOnTap(p4, "msim-tap5", "mstap5", ns =>
        {
            CurlThroughTheVip(ns);
            var (code, body) = NetnsFixture.Run($"ip netns exec {ns} curl -s -o /dev/null -w '%{{http_code}} %{{size_download}}' --max-time 10 http://192.168.1.250:9341/", 20_000);
            Assert.True(code == 0, body);
            Assert.Equal("200 2048", body.Trim());
            Assert.Contains("02:00:00:00:00:fa", NetnsFixture.Run($"ip -n {ns} neigh show 192.168.1.250", 5_000).Output);
        }, minimumFrames: 8);
    }

    private static void CurlThroughTheVip(string ns)
    {
        var (curlCode, curl) = NetnsFixture.Run($"ip netns exec {ns} curl -s -o /dev/null -w '%{{http_code}} %{{remote_ip}}' --max-time 10 http://192.168.1.250:9191/", 20_000);
        Assert.True(curlCode == 0, curl);
        Assert.Equal("200 192.168.1.250", curl.Trim());
    }

    // Runs `meshsim emulate --tap ext1=TAP --configure` inside a fresh namespace, waits for the TAP to come
    // up configured, runs the checks, stops the run and checks its counters and that the TAP is gone.
    private static void EmulateOnTap(string yaml, string Ns, string Tap, Action<string> checks, int minimumFrames)
    {
        NetnsFixture.Run($"ip netns del {Ns}", 10_000);
        Sh($"ip netns add {Ns}");
        Sh($"ip -n {Ns} link set lo up");
        var scenario = Path.Combine(Path.GetTempPath(), $"msim-tap-{Environment.ProcessId}.yaml");
        File.WriteAllText(scenario, yaml);
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "netns", "exec", Ns, "dotnet", Path.Combine(AppContext.BaseDirectory, "meshsim.dll"),
                                  "emulate", "-s", scenario, "--tap", $"ext1={Tap}", "--configure", "--duration", "60s" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        bool tapLeft = true;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        try
        {
            // --configure: the host's MAC and address, up.
            var deadline = DateTime.UtcNow.AddSeconds(90);
            string addr;
            while (!(addr = NetnsFixture.Run($"ip -n {Ns} -br addr show {Tap}", 5_000).Output).Contains("192.168.1.31/24"))
            {
                // (The message reads the output only once the process has ended: reading it earlier would wait for the end.)
                if (p.HasExited) Assert.Fail($"emulate ended early (exit {p.ExitCode}): {stdout.Result}{stderr.Result}");
                Assert.True(DateTime.UtcNow < deadline, $"the TAP did not come up configured within 90 s: {addr}");
                Thread.Sleep(200);
            }
            Assert.Contains("00:00:00:00:00:31", NetnsFixture.Run($"ip -n {Ns} link show {Tap}", 5_000).Output);
            checks(Ns);
        }
        finally
        {
            // Down first, so the kernel sends nothing more while the run stops; then SIGTERM ends it normally and it prints its counters.
            NetnsFixture.Run($"ip -n {Ns} link set {Tap} down; sleep 0.2; kill -TERM {p.Id}", 5_000);
            if (!p.WaitForExit(20_000)) p.Kill(true);
            tapLeft = LinkExists(Tap, Ns);
            NetnsFixture.Run($"ip netns del {Ns}", 10_000);
            File.Delete(scenario);
        }
        Assert.True(p.ExitCode == 0, stderr.Result);
        var counters = stdout.Result.Split('\n').Single(l => l.StartsWith("*** live-ext1: ", StringComparison.Ordinal));
        // Every frame the kernel sent to the TAP entered the simulation, and the figures agree with each other.
        var m = System.Text.RegularExpressions.Regex.Match(counters, @"received (\d+), captured (\d+), lost 0 ");
        Assert.True(m.Success, counters);
        Assert.Equal(m.Groups[1].Value, m.Groups[2].Value);
        Assert.True(long.Parse(m.Groups[1].Value) >= minimumFrames, counters);
        Assert.False(tapLeft, "the TAP outlived the run");
    }

    [SkippableFact]
    public async Task Two_taps_in_two_namespaces_talk_through_the_simulated_switches_with_conntrack_nat()
    {
        NetnsFixture.RequireOrSkip("/usr/bin/curl", "/usr/bin/python3");
        string[] ns = ["msim-tap2", "msim-tap3"];
        foreach (var n in ns)
        {
            NetnsFixture.Run($"ip netns del {n}", 10_000);
            Sh($"ip netns add {n}");
            Sh($"ip -n {n} link set lo up");
            Sh($"ip netns exec {n} sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1");   // no router solicitations
        }
        var www = Directory.CreateTempSubdirectory("msim-www-");
        File.WriteAllText(Path.Combine(www.FullName, "index.html"), "real server behind a simulated mesh, on a TAP\n");
        var world = ScenarioWorld.Build(ScenarioLoader.Load(EmulateTests.TwoExternalHostsScenario, "tap2.yaml") with { Expectations = [] });
        var loop = new RealTimeLoop(world.Network.Sim);
        LiveBridge? b1 = null, b2 = null;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Task? run = null;
        try
        {
            b1 = new LiveBridge(world.Network, "live-ext1", new TapLink("mstap2"), loop);
            b2 = new LiveBridge(world.Network, "live-ext2", new TapLink("mstap3"), loop);
            // A TAP keeps its descriptor when it moves to another namespace: each kernel side gets its own.
            Sh($"ip link set mstap2 netns {ns[0]}");
            Sh($"ip link set mstap3 netns {ns[1]}");
            Sh($"ip -n {ns[0]} link set mstap2 address 00:00:00:00:00:31 up");
            Sh($"ip -n {ns[0]} addr add 192.168.1.31/24 dev mstap2");
            Sh($"ip -n {ns[1]} link set mstap3 address 00:00:00:00:00:32 up");
            Sh($"ip -n {ns[1]} addr add 192.168.1.32/24 dev mstap3");
            NetnsFixture.Run($"ip netns exec {ns[1]} sh -c 'python3 -m http.server 8000 --bind 192.168.1.32 --directory {www.FullName} >/dev/null 2>&1 &'", 5_000);
            world.Network.Connect(world.ExternalPorts["ext1"], b1.Port, new LinkOptions(LatencyNs: 0, BitsPerSecond: 0));
            world.Network.Connect(world.ExternalPorts["ext2"], b2.Port, new LinkOptions(LatencyNs: 0, BitsPerSecond: 0));
            run = Task.Run(() => loop.Run(long.MaxValue, cts.Token));
            for (int i = 0; i < 50 && NetnsFixture.Run($"ip netns exec {ns[1]} sh -c 'ss -ltn | grep -q :8000'", 5_000).Code != 0; i++) Thread.Sleep(100);
            // Through the VIP: DNAT to 192.168.1.32:8000 across s2, the reply un-NATed on the way back.
            var (code, body) = NetnsFixture.Run($"ip netns exec {ns[0]} curl -s --max-time 10 http://192.168.1.250:9500/index.html", 20_000);
            Assert.True(code == 0, $"curl exit {code}: {body}");
            Assert.Equal("real server behind a simulated mesh, on a TAP\n", body);
            var (pingCode, ping) = NetnsFixture.Run($"ip netns exec {ns[0]} ping -c 100 -i 0.01 -q 192.168.1.32", 30_000);
            Assert.True(pingCode == 0, ping);
            Assert.Contains(" 0% packet loss", ping);
        }
        finally
        {
            // Interfaces down before the loop stops: a frame the kernel sent after that could never be delivered.
            NetnsFixture.Run($"ip -n {ns[0]} link set mstap2 down; ip -n {ns[1]} link set mstap3 down; sleep 0.2", 10_000);
            cts.Cancel();
            if (run is not null) try { await run.WaitAsync(TimeSpan.FromSeconds(5)); } catch (OperationCanceledException) { } catch (TimeoutException) { }
            b1?.Dispose();
            b2?.Dispose();
            foreach (var n in ns) NetnsFixture.Run($"ip netns pids {n} | xargs -r kill; ip netns del {n}", 10_000);
            www.Delete(true);
        }
        var c1 = b1!.Counters();
        Assert.Equal(0, c1.Lost);
        Assert.True(c1.Captured >= 100 && b2!.Injected >= 100, $"{c1}; injected on ext2 {b2!.Injected}");
    }

    [SkippableFact]
    public void A_tap_disappears_with_its_link_and_a_name_taken_by_another_kind_of_interface_is_refused()
    {
        NetnsFixture.RequireOrSkip();
        using (var link = new TapLink("mstap4"))
            Assert.True(File.Exists("/sys/class/net/mstap4/tun_flags"));
        Assert.False(LinkExists("mstap4"));
        var e = Assert.Throws<InvalidOperationException>(() => new TapLink("lo"));
        Assert.Equal("'lo' exists and is not a TAP device", e.Message);
    }
}
