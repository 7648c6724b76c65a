using System.Text;
using MeshSim.Engine;
using MeshSim.Stack.Apps.Http;
using MeshSim.Stack.Apps.Load;
using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;

namespace MeshSim.Stack.Tests.Apps;

public class HttpTests
{
    private static HttpServer Echo(Host host) =>
        new HttpServer(host, 80)
            .Map("/", req => SimTask<HttpResponse>.FromResult(HttpResponse.Text(200, $"root {req.Method} {req.Path}")))
            .Map("/echo", req => SimTask<HttpResponse>.FromResult(new HttpResponse(200, [], req.Body)))
            .Start();

    [Fact]
    public void Request_split_into_one_byte_segments_is_parsed()
    {
        var n = new StarNet(2, direct: true);
        Echo(n[2]);
        string? answer = null;
        n.Sim.Spawn(async () =>
        {
            var s = await n[1].ConnectAsync(n[2].Address, 80);
            var req = Encoding.ASCII.GetBytes("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
            foreach (var b in req) await s.SendAsync(new[] { b });     // no Nagle: one segment per byte
            var conn = new HttpConnection(s);
            answer = (await conn.ReadResponseAsync()).BodyText;
        });
        n.Sim.RunUntil(SimTime.Second);
        Assert.Equal("hello", answer);
    }

    [Fact]
    public void Keep_alive_reuses_one_connection_and_routes_by_longest_prefix()
    {
        var n = new StarNet(2, direct: true);
        var server = Echo(n[2]);
        var client = new SimHttpClient(n[1]);
        var bodies = new List<string>();
        n.Sim.Spawn(async () =>
        {
            bodies.Add((await client.GetAsync(n[2].Address, 80, "/a")).BodyText);
            bodies.Add((await client.SendAsync(n[2].Address, 80, HttpRequest.Post("/echo/x", "data"u8.ToArray()))).BodyText);
            bodies.Add((await client.GetAsync(n[2].Address, 80, "/")).BodyText);
        });
        n.Sim.RunUntil(SimTime.Second);
        Assert.Equal(["root GET /a", "data", "root GET /"], bodies);
        Assert.Equal(1, client.ConnectionsOpened);
        Assert.Equal(1, server.Connections);
        Assert.Equal(3, server.Requests);
    }

    [Fact]
    public void Unknown_path_is_404_and_garbage_is_400_with_close()
    {
        var n = new StarNet(2, direct: true);
        var server = new HttpServer(n[2], 80).Map("/only", _ => SimTask<HttpResponse>.FromResult(HttpResponse.Ok(1))).Start();
        int notFound = 0; HttpResponse? bad = null; int eof = -1;
        n.Sim.Spawn(async () =>
        {
            notFound = (await new SimHttpClient(n[1]).GetAsync(n[2].Address, 80, "/nope")).Status;
            var s = await n[1].ConnectAsync(n[2].Address, 80);
            await s.SendAsync("GET / HTTP/1.1\nHost: x\n\n"u8.ToArray());   // bare LF: strict parser rejects it
            var conn = new HttpConnection(s);
            bad = await conn.ReadResponseAsync();
            eof = await s.ReceiveAsync(new byte[10]);
        });
        n.Sim.RunUntil(SimTime.Second);
        Assert.Equal(404, notFound);
        Assert.Equal(400, bad!.Status);
        Assert.Equal("close", bad.Header("Connection"));
        Assert.Equal(0, eof);
        Assert.Equal(1, server.BadRequests);
    }

    [Fact]
    public void Lenient_server_accepts_and_counts_bare_line_feeds()
    {
        var n = new StarNet(2, direct: true);
        var server = new HttpServer(n[2], 80, MeshSim.Wire.HttpParserOptions.Lenient)
            .Map("/", _ => SimTask<HttpResponse>.FromResult(HttpResponse.Text(200, "ok"))).Start();
        int status = 0;
        n.Sim.Spawn(async () =>
        {
            var s = await n[1].ConnectAsync(n[2].Address, 80);
            await s.SendAsync("GET / HTTP/1.1\nHost: x\n\n"u8.ToArray());
            status = (await new HttpConnection(s).ReadResponseAsync()).Status;
        });
        n.Sim.RunUntil(SimTime.Second);
        Assert.Equal(200, status);
        Assert.Equal(0, server.BadRequests);
        Assert.Equal(1, server.BareLineFeedRequests);
    }

    [Fact]
    public void Load_over_a_lossy_bridge_completes_without_errors()
    {
        var n = new StarNet(2, new LinkOptions(LatencyNs: 100_000, LossRate: 0.01), seed: 9);
        new HttpServer(n[2], 80).Map("/", _ => SimTask<HttpResponse>.FromResult(HttpResponse.Ok(20_000))).Start();
        LoadResult? r = null;
        n.Sim.Spawn(async () => r = await LoadGenerator.Run(n[1], new LoadOptions { Target = n[2].Address, Requests = 300, Concurrency = 4 }));
        n.Sim.RunUntil(120 * SimTime.Second);
        Assert.NotNull(r);
        Assert.Equal(300, r!.Completed);
        Assert.Equal(0, r.Errors);
        // Losses show up as a tail: the slowest requests waited for at least one retransmission timeout.
        Assert.True(r.Latency.Max >= 200 * SimTime.Millisecond, $"max {r.Latency.Max} ns");
        Assert.True(n.Links.Sum(l => l.LossDrops) > 0);
    }
}
