using MeshSim.Cli.Run;
using MeshSim.Cli.Scenario;
using MeshSim.Engine;
using MeshSim.Io.Live;
using MeshSim.Io.Tests.Live;
using MeshSim.Cli.Tests.Run;

namespace MeshSim.Cli.Tests.Emulate;

/// <summary>
/// Real curl in a network namespace reaches a simulated HashiCups service through the virtual IP of
/// a simulated OVS switch: the kernel's ARP and TCP against the compiled OpenFlow rules (ARP
/// responder, DNAT to the instance, un-NAT of the replies) and the simulated host's TCP.
/// </summary>
[Collection("netns")]
public class EmulateTests
{
    /// <summary>The thesis lab with one external host ext1 (192.168.1.31) on s1:4 that may call public-api and product-api.</summary>
    internal static string ScenarioText => Scenario;

    /// <summary>Also ext2 (192.168.1.32) on s2:4, the one instance of service realweb (VIP port 9500 → 8000), which ext1 may call.</summary>
    internal static string TwoExternalHostsScenario => Scenario
            .Replace("  - { name: ext1, ip: 192.168.1.31/24, mac: \"00:00:00:00:00:31\", external: true }",
                     "  - { name: ext1, ip: 192.168.1.31/24, mac: \"00:00:00:00:00:31\", external: true }\n  - { name: ext2, ip: 192.168.1.32/24, mac: \"00:00:00:00:00:32\", external: true }")
            .Replace("  - { a: \"ext1\", b: \"s1:4\", latency: 50us, rate: 1Gbps }",
                     "  - { a: \"ext1\", b: \"s1:4\", latency: 50us, rate: 1Gbps }\n  - { a: \"ext2\", b: \"s2:4\", latency: 50us, rate: 1Gbps }")
            .Replace("upstreams: { public-api: 9191, product-api: 9341 }", "upstreams: { public-api: 9191, product-api: 9341, realweb: 9500 }")
            .Replace("services:\n", "services:\n  - name: realweb\n    instances: [ { host: ext2, port: 8000 } ]\n");

    internal static string Scenario => WithExternalHost(File.ReadAllText(Path.Combine(ThesisLabTests.Repo, "scenarios", "thesis-lab.yaml")));

    /// <summary>A thesis lab scenario (OVS or P4) with external host ext1 (192.168.1.31) on s1:4, allowed to call public-api and product-api.</summary>
    internal static string WithExternalHost(string yaml) => yaml
        .Replace("  - { name: db1, ip: 192.168.1.21/24, mac: \"00:00:00:00:00:04\" }",
                 "  - { name: db1, ip: 192.168.1.21/24, mac: \"00:00:00:00:00:04\" }\n  - { name: ext1, ip: 192.168.1.31/24, mac: \"00:00:00:00:00:31\", external: true }")
        .Replace("  - { a: \"db1\", b: \"s2:3\", latency: 50us, rate: 1Gbps }",
                 "  - { a: \"db1\", b: \"s2:3\", latency: 50us, rate: 1Gbps }\n  - { a: \"ext1\", b: \"s1:4\", latency: 50us, rate: 1Gbps }")
        .Replace("services:\n", "services:\n  - name: outside\n    instances: [ { host: ext1, port: 1 } ]\n    upstreams: { public-api: 9191, product-api: 9341 }\n");

    [SkippableFact]
    public async Task Real_curl_reaches_simulated_services_through_the_simulated_switch_vip()
    {
        NetnsFixture.RequireOrSkip();
        using var ns = new NetnsFixture("em1", "192.168.1.31/24", mac: "00:00:00:00:00:31");
        var spec = ScenarioLoader.Load(Scenario, "emulate.yaml") with { Expectations = [] };
        var world = ScenarioWorld.Build(spec);
        var loop = new RealTimeLoop(world.Network.Sim);
        using var bridge = new LiveBridge(world.Network, "live-ext1", ns.RootEnd, loop);
        world.Network.Connect(world.ExternalPorts["ext1"], bridge.Port, new LinkOptions(LatencyNs: 0, BitsPerSecond: 0));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = Task.Run(() => loop.Run(long.MaxValue, cts.Token));
        try
        {
            // public-api answers after calling product-api and payments-api: a whole HashiCups chain.
            var (code, body) = ns.Exec("curl -s -o /dev/null -w '%{http_code} %{remote_ip}' --max-time 10 http://192.168.1.250:9191/");
            Assert.True(code == 0, $"curl exit {code}: {body}");
            Assert.Equal("200 192.168.1.250", body);
            var (code2, body2) = ns.Exec("curl -s -o /dev/null -w '%{http_code} %{size_download}' --max-time 10 http://192.168.1.250:9341/");
            Assert.Equal(0, code2);
            Assert.Equal("200 2048", body2);
            // The kernel learned the virtual IP's MAC from the switch's ARP responder flows.
            var (_, neigh) = ns.Exec("ip neigh show 192.168.1.250");
            Assert.Contains("02:00:00:00:00:fa", neigh);
        }
        finally
        {
            cts.Cancel();
            try { await run.WaitAsync(TimeSpan.FromSeconds(5)); } catch (OperationCanceledException) { } catch (TimeoutException) { }
        }
        Assert.Equal(0, bridge.InboxDrops);
        Assert.Equal(0, bridge.InjectErrors);
    }

    [SkippableFact]
    public async Task Two_real_namespaces_talk_through_the_simulated_switch_with_conntrack_nat()
    {
        NetnsFixture.RequireOrSkip();
        var yaml = TwoExternalHostsScenario;
        using var client = new NetnsFixture("em2", "192.168.1.31/24", mac: "00:00:00:00:00:31");
        using var server = new NetnsFixture("em3", "192.168.1.32/24", mac: "00:00:00:00:00:32");
        var www = Directory.CreateTempSubdirectory("msim-www-");
        File.WriteAllText(Path.Combine(www.FullName, "index.html"), "real server behind a simulated mesh\n");
        server.Start($"python3 -m http.server 8000 --bind 192.168.1.32 --directory {www.FullName}");

        var world = ScenarioWorld.Build(ScenarioLoader.Load(yaml, "emulate2.yaml") with { Expectations = [] });
        var loop = new RealTimeLoop(world.Network.Sim);
        using var b1 = new LiveBridge(world.Network, "live-ext1", client.RootEnd, loop);
        using var b2 = new LiveBridge(world.Network, "live-ext2", server.RootEnd, loop);
        world.Network.Connect(world.ExternalPorts["ext1"], b1.Port, new LinkOptions(LatencyNs: 0, BitsPerSecond: 0));
        world.Network.Connect(world.ExternalPorts["ext2"], b2.Port, new LinkOptions(LatencyNs: 0, BitsPerSecond: 0));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = Task.Run(() => loop.Run(long.MaxValue, cts.Token));
        try
        {
            for (int i = 0; i < 50 && server.Exec("sh -c 'ss -ltn | grep -q :8000'").Code != 0; i++) Thread.Sleep(100);
            // Through the VIP: s1 DNATs to 192.168.1.32:8000 across s2; the reply is un-NATed on the way back.
            var (code, body) = client.Exec("curl -s --max-time 10 http://192.168.1.250:9500/index.html");
            Assert.True(code == 0, $"curl exit {code}: {body}");
            Assert.Equal("real server behind a simulated mesh\n", body);
            // Plain IP between the two namespaces, 200 pings at 5 ms: nothing lost, and the bridge counted every frame.
            var (pingCode, ping) = client.Exec("ping -c 200 -i 0.005 -q 192.168.1.32", 30_000);
            Assert.True(pingCode == 0, ping);
            Assert.Contains(" 0% packet loss", ping);
            Console.WriteLine($"emulate: ping through the simulated switch: {ping.Split('\n').LastOrDefault(l => l.StartsWith("rtt")) ?? ping}");
        }
        finally
        {
            cts.Cancel();
            try { await run.WaitAsync(TimeSpan.FromSeconds(5)); } catch (OperationCanceledException) { } catch (TimeoutException) { }
            www.Delete(true);
        }
        Assert.Equal(0, b1.InboxDrops + b2.InboxDrops);
        Assert.True(b1.Captured >= 200 && b2.Injected >= 200, $"captured {b1.Captured}, injected {b2.Injected}");
    }

    [Fact]
    public void Emulate_refuses_a_host_that_is_not_external()
    {
        var (code, _, err) = CliProcess.Run("emulate", "--attach", "h1=lo", "--duration", "1s");
        Assert.Equal(2, code);
        Assert.Equal("meshsim emulate: --attach: 'h1' is not an external host of the scenario (external: ; mark a host `external: true`); see 'meshsim emulate --help'\n", err);
    }
}
