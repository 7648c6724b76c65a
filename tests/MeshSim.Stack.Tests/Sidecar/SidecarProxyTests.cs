using MeshSim.Engine;
using MeshSim.Stack.Apps.HashiCups;
using MeshSim.Stack.Apps.Http;
using MeshSim.Stack.Apps.Load;
using MeshSim.Stack.Apps.Sidecar;
using MeshSim.Stack.Async;
using MeshSim.Wire;

namespace MeshSim.Stack.Tests.Sidecar;

public class SidecarProxyTests
{
    private const ushort AppPort = 8080, BindPort = 9191, Inbound = 21000;
    private const long ServiceNs = 300 * SimTime.Microsecond;

    /// <summary>h1 calls an app on h2; with sidecars, through 127.0.0.2:BindPort (loopback) on h1.</summary>
    private sealed class Pair
    {
        public readonly StarNet Net = new(2, new LinkOptions(50_000, 1_000_000_000));
        public readonly SidecarProxy? Client, Server;
        public readonly SynCounter Syns = new();

        public Pair(SidecarCosts? costs)
        {
            var app = new HttpServer(Net[2], AppPort)
                .Map("/", async _ => { await Net[2].Cpu.RunAsync(ServiceNs); return HttpResponse.Ok(2048); })
                .Start();
            Net.Net.AddObserver(Syns);
            if (costs is null) return;
            Loopback.Attach(Net[1], costs.LoopbackLatencyNs);
            Loopback.Attach(Net[2], costs.LoopbackLatencyNs);
            Server = new SidecarProxy(Net[2], "api", costs).ListenInbound(Inbound, AppPort);
            Client = new SidecarProxy(Net[1], "web", costs).AddUpstream(BindPort, [new Endpoint(Net[2].Address, Inbound)]);
        }

        public Endpoint Target => Client is null ? new Endpoint(Net[2].Address, AppPort) : new Endpoint(Loopback.PeerAddress, BindPort);

        public LoadResult Load(int requests, int concurrency)
        {
            var load = LoadGenerator.Run(Net[1], new LoadOptions { Target = Target.Address, Port = Target.Port, Requests = requests, Concurrency = concurrency });
            Net.Sim.RunUntil(Net.Sim.Now + 60 * SimTime.Second);
            Assert.True(load.IsCompleted);
            return load.Result;
        }
    }

    private static readonly SidecarCosts Costs = SidecarCosts.Istio110;

    [Fact]
    public void Each_app_connection_becomes_three_real_tcp_connections_and_two_proxy_traversals()
    {
        var p = new Pair(Costs);
        var r = p.Load(requests: 10, concurrency: 1);
        Assert.Equal(10, r.StatusCodes.GetValueOrDefault(200));
        // One keep-alive app connection: app -> its proxy (loopback), proxy -> proxy (network), proxy -> app (loopback).
        Assert.Equal(1, p.Client!.Accepted);
        Assert.Equal(1, p.Client.Originated);
        Assert.Equal(1, p.Server!.Accepted);
        Assert.Equal(1, p.Server.Originated);
        Assert.Equal(2, p.Syns.Loopback);
        Assert.Equal(1, p.Syns.Network);
        // Every request and every response passes both proxies: two turns per proxy per request.
        Assert.Equal(2 * 10, p.Client.Turns);
        Assert.Equal(2 * 10, p.Server.Turns);
    }

    [Fact]
    public void Without_sidecars_the_same_load_uses_one_connection()
    {
        var p = new Pair(null);
        p.Load(requests: 10, concurrency: 1);
        Assert.Equal(0, p.Syns.Loopback);
        Assert.Equal(1, p.Syns.Network);
    }

    [Fact]
    public void At_concurrency_one_the_sidecars_add_at_least_their_configured_cost()
    {
        var direct = new Pair(null).Load(50, 1).Latency;
        var viaProxies = new Pair(Costs).Load(50, 1).Latency;
        // Two proxies per call, each charging its per-request CPU and wait, plus per-byte CPU on request and response.
        long floor = 2 * (Costs.PerRequestCpuNs + Costs.PerRequestWaitNs);
        Assert.True(viaProxies.Min - direct.Min >= floor, $"added {viaProxies.Min - direct.Min} ns, configured at least {floor} ns");
        Assert.True(viaProxies.Mean - direct.Mean >= floor);
    }

    [Fact]
    public void Proxy_work_queues_on_the_cores_it_shares_with_the_app()
    {
        // The server proxy's work is charged to the same cores as the app's: the host's busy time
        // per request is the app's service time plus the proxy's per-request (and per-byte) CPU.
        var costs = Costs with { PerRequestWaitNs = 0 };
        var p = new Pair(costs);
        var r = p.Load(requests: 200, concurrency: 20);
        Assert.Equal(200, r.StatusCodes.GetValueOrDefault(200));
        long perRequest = p.Net[2].Cpu.BusyNs / 200;
        Assert.True(perRequest >= ServiceNs + costs.PerRequestCpuNs, $"{perRequest} ns of CPU per request on the server host");
    }

    [Fact]
    public void Same_seed_same_latencies()
    {
        static long[] Run()
        {
            var h = new Pair(Costs).Load(100, 8).Latency;
            return Enumerable.Range(0, 11).Select(i => h.Percentile(i * 10)).ToArray();
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void A_proxy_needs_the_loopback_device()
    {
        var n = new StarNet(1);
        var e = Assert.Throws<InvalidOperationException>(() => new SidecarProxy(n[1], "x", Costs));
        Assert.Contains("loopback", e.Message);
    }

    [Fact]
    public void Negative_costs_are_rejected_by_name()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => (Costs with { PerRequestCpuNs = -1 }).Validate());
        Assert.Equal("PerRequestCpuNs", e.ParamName);
    }

    /// <summary>Distinct initial SYNs sent by hosts, loopback vs network (as a pcap filter would count them).</summary>
    internal sealed class SynCounter : IFrameObserver
    {
        private readonly HashSet<(uint, ushort, uint, ushort)> _seen = new();
        public int Loopback, Network;

        public void OnSent(long timeNs, Port port, ReadOnlySpan<byte> frame)
        {
            if (port.Owner is not Host) return;
            var copy = frame.ToArray();
            if (!EthernetView.TryCreate(copy, out var eth, out _) || eth.EtherType != EtherType.Ipv4) return;
            if (!Ipv4View.TryCreate(eth.Payload, out var ip, out _) || ip.Protocol != IpProtocol.Tcp) return;
            if (!TcpView.TryCreate(ip.Payload, out var tcp, out _) || !tcp.Syn || tcp.Ack) return;
            if (!_seen.Add((ip.Source.Value, tcp.SourcePort, ip.Destination.Value, tcp.DestinationPort))) return;
            if (ip.Destination.Value >> 24 == 127) Loopback++; else Network++;
        }

        public void OnReceived(long timeNs, Port port, ReadOnlySpan<byte> frame) { }
        public void OnDropped(long timeNs, Port? port, ReadOnlySpan<byte> frame, DropReason reason, string? detail) { }
    }
}
