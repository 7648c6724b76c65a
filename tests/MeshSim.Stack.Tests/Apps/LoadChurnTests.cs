using MeshSim.Engine;
using MeshSim.Stack.Apps.Http;
using MeshSim.Stack.Apps.Load;
using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;

namespace MeshSim.Stack.Tests.Apps;

/// <summary>Load without keep-alive: a new connection per request, counted per virtual second.</summary>
public class LoadChurnTests
{
    // Small buffers: each connection carries a few hundred bytes, and the tests stay quick.
    private static readonly TcpConfig Small = new() { SendBufferBytes = 16384, ReceiveBufferBytes = 16384 };

    private static (LoadResult Result, StarNet Net, HttpServer Server) Run(bool keepAlive, TcpConfig? tcp = null)
    {
        var n = new StarNet(2, new LinkOptions(LatencyNs: 50_000), options: new HostOptions { Tcp = tcp ?? Small }, direct: true);
        var server = new HttpServer(n[2], 80).Map("/", _ => SimTask<HttpResponse>.FromResult(HttpResponse.Text(200, "ok"))).Start();
        LoadResult? result = null;
        n.Sim.Spawn(async () => result = await LoadGenerator.Run(n[1], new LoadOptions
        {
            Target = n[2].Address, Concurrency = 4, DurationNs = 2 * SimTime.Second, KeepAlive = keepAlive,
        }));
        n.Sim.RunUntil(3 * SimTime.Second);
        Assert.NotNull(result);
        return (result!, n, server);
    }

    [Fact]
    public void Without_keep_alive_every_request_has_its_own_connection_and_the_server_holds_time_wait()
    {
        var (r, n, server) = Run(keepAlive: false);
        Assert.True(r.Completed > 1000, $"only {r.Completed} requests");
        Assert.Equal(r.Completed, r.ConnectionsOpened);
        Assert.Equal(r.Completed, server.Connections);
        Assert.Equal(0, r.Errors);
        Assert.InRange(r.Seconds.Count, 2, 3);                    // the last, partial second: requests still in flight at the end
        Assert.Equal(r.Completed, r.Seconds.Sum(s => s.Completed));
        Assert.All(r.Seconds.Take(2), s => Assert.InRange(s.ConnectionsOpened, r.ConnectionsOpened / 3, r.ConnectionsOpened));
        // One TIME_WAIT per request, all on the server; past the client's 28,232 ephemeral ports the
        // ports come round again and Linux's TIME_WAIT rule hands the tuple to the new connection.
        int ports = 60999 - 32768 + 1;
        Assert.Equal(Math.Min(r.Completed, ports), n[2].TcpConnectionCount);
        Assert.Equal(Math.Max(0, r.Completed - ports), n[2].Counters.TimeWaitRecycled);
        Assert.Equal(0, n[1].TcpConnectionCount);
        Assert.Contains("conn/s", r.ToText());
        Assert.Contains("\"seconds\"", r.ToJson());
    }

    [Fact]
    public void With_keep_alive_the_workers_open_one_connection_each()
    {
        var (r, _, server) = Run(keepAlive: true);
        Assert.Equal(4, r.ConnectionsOpened);
        Assert.Equal(4, server.Connections);
    }

    [Fact]
    public void A_client_short_of_ports_reuses_them_through_the_servers_time_wait()
    {
        // 50 ports for thousands of connections: each port comes back while the server still holds
        // the old connection in TIME_WAIT, and Linux's rule lets the new SYN through at once.
        var tcp = Small with { EphemeralFirst = 40000, EphemeralLast = 40049 };
        var (r, n, _) = Run(keepAlive: false, tcp);
        Assert.True(r.Completed > 1000, $"only {r.Completed} requests");
        Assert.Equal(0, r.Errors);
        Assert.Equal(0, r.Seconds.Sum(s => s.SynRetransmits));
        Assert.True(n[2].Counters.TimeWaitRecycled > r.Completed - 100, $"{n[2].Counters.TimeWaitRecycled} recycled of {r.Completed}");
    }

    [Fact]
    public void Linux_port_choice_keeps_to_one_parity_and_comes_back_to_ports_early()
    {
        // __inet_hash_connect: even ports only, in small random steps, so the server's TIME_WAITs
        // (one per client port used) stay within half the range, where the sequential choice
        // fills all 28,232 before reusing any.
        var (r, n, _) = Run(keepAlive: false, Small with { PortChoice = EphemeralPortChoice.Linux });
        int ports = 60999 - 32768 + 1;
        Assert.True(r.Completed > ports, $"only {r.Completed} requests");
        Assert.Equal(0, r.Errors);
        Assert.InRange(n[2].TcpConnectionCount, ports / 4, ports / 2);
        Assert.Equal(r.Completed - n[2].TcpConnectionCount, n[2].Counters.TimeWaitRecycled);
    }
}
