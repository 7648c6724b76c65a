using MeshSim.Engine;
using MeshSim.Io.Live;
using MeshSim.Stack;
using MeshSim.Stack.Apps.Http;
using MeshSim.Stack.Async;

namespace MeshSim.Io.Tests.Live;

/// <summary>
/// A real Linux network namespace talks to a simulated host through a LiveBridge: the kernel's ARP,
/// ICMP and TCP against MeshSim's. These run as root (CI is root); without root they cannot create
/// namespaces, which CI treats as a failure.
/// </summary>
[Collection("netns")]
public class LiveBridgeTests
{
    [SkippableFact]
    public async Task Kernel_ping_and_curl_reach_a_simulated_http_server()
    {
        NetnsFixture.RequireOrSkip();
        using var ns = new NetnsFixture("lb1", "10.77.0.1/24");
        var net = new Network(seed: 1);
        var loop = new RealTimeLoop(net.Sim);
        using var bridge = new LiveBridge(net, "br", ns.RootEnd, loop);
        var host = new Host(net, "sim1");
        var iface = host.AddInterface("02:00:00:00:77:02", "10.77.0.2/24");
        net.Connect(iface.Port, bridge.Port, new LinkOptions(LatencyNs: 10_000, BitsPerSecond: 0));
        new HttpServer(host, 8080).Map("/", req => SimTaskOf(HttpResponse.Text(200, $"hello from the simulation, you asked {req.Path}"))).Start();

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var run = Task.Run(() => loop.Run(long.MaxValue, cts.Token));
        try
        {
            var (pingCode, pingOut) = ns.Exec("ping -c 3 -i 0.2 -W 2 10.77.0.2");
            Assert.True(pingCode == 0, pingOut);
            Assert.Contains("3 received", pingOut);

            var (curlCode, curlOut) = ns.Exec("curl -s --max-time 10 http://10.77.0.2:8080/hi");
            Assert.True(curlCode == 0, $"curl exit {curlCode}: {curlOut}");
            Assert.Equal("hello from the simulation, you asked /hi", curlOut);

            // A closed port answers the kernel's SYN with RST: curl fails at once, not by timeout.
            var (refusedCode, refusedOut) = ns.Exec("curl -s --max-time 5 http://10.77.0.2:9/");
            Assert.Equal(7, refusedCode);   // curl: "Failed to connect" (connection refused)
        }
        finally
        {
            cts.Cancel();
            try { await run.WaitAsync(TimeSpan.FromSeconds(5)); } catch (OperationCanceledException) { } catch (TimeoutException) { }
        }
        Assert.True(bridge.Captured > 0 && bridge.Injected > 0);
        Assert.Equal(0, bridge.InboxDrops);
    }

    [SkippableFact]
    public async Task A_simulated_client_fetches_from_a_real_python_http_server()
    {
        NetnsFixture.RequireOrSkip();
        using var ns = new NetnsFixture("lb2", "10.78.0.1/24");
        var www = Directory.CreateTempSubdirectory("msim-www-");
        File.WriteAllText(Path.Combine(www.FullName, "hello.txt"), "served by the Linux kernel's TCP\n");
        ns.Start($"python3 -m http.server 8000 --bind 10.78.0.1 --directory {www.FullName}");
        var net = new Network(seed: 2);
        var loop = new RealTimeLoop(net.Sim);
        using var bridge = new LiveBridge(net, "br", ns.RootEnd, loop);
        var host = new Host(net, "sim2");
        var iface = host.AddInterface("02:00:00:00:78:02", "10.78.0.2/24");
        net.Connect(iface.Port, bridge.Port, new LinkOptions(LatencyNs: 10_000, BitsPerSecond: 0));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var run = Task.Run(() => loop.Run(long.MaxValue, cts.Token));
        try
        {
            // Wait for the server to listen, then fetch the file from inside the simulation.
            for (int i = 0; i < 50 && ns.Exec("sh -c 'ss -ltn | grep -q :8000'").Code != 0; i++) Thread.Sleep(100);
            var result = new TaskCompletionSource<HttpResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
            loop.Post(() => net.Sim.Spawn(async () =>
            {
                try { result.SetResult(await new SimHttpClient(host).GetAsync(MeshSim.Wire.Ipv4Address.Parse("10.78.0.1"), 8000, "/hello.txt")); }
                catch (Exception ex) { result.SetException(ex); }
            }));
            var response = await result.Task.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(200, response.Status);
            Assert.Equal("served by the Linux kernel's TCP\n", response.BodyText);
        }
        finally
        {
            cts.Cancel();
            try { await run.WaitAsync(TimeSpan.FromSeconds(5)); } catch (OperationCanceledException) { } catch (TimeoutException) { }
            www.Delete(recursive: true);
        }
    }

    private static MeshSim.Stack.Async.SimTask<HttpResponse> SimTaskOf(HttpResponse r) => MeshSim.Stack.Async.SimTask<HttpResponse>.FromResult(r);
}
