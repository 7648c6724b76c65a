using MeshSim.Engine;
using MeshSim.Stack.Apps.Http;
using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;

namespace MeshSim.Stack.Tests.Apps;

/// <summary>Who closes first after <c>Connection: close</c>, and so who holds TIME_WAIT.</summary>
public class HttpCloseOrderTests
{
    private static (int Client, int Server, string Body) Exchange(bool closeOnHeader)
    {
        var n = new StarNet(2, new LinkOptions(LatencyNs: 50_000), direct: true);
        new HttpServer(n[2], 80).Map("/", _ => SimTask<HttpResponse>.FromResult(HttpResponse.Text(200, "ok"))).Start();
        var client = new SimHttpClient(n[1]) { CloseOnResponseHeader = closeOnHeader };
        string body = "";
        n.Sim.Spawn(async () =>
        {
            var r = await client.SendAsync(n[2].Address, 80, HttpRequest.Get("/") with { Headers = [new("Connection", "close")] });
            body = r.BodyText;
        });
        n.Sim.RunUntil(SimTime.Second);          // well past the close, well before TIME_WAIT's 60 s
        return (n[1].TcpConnectionCount, n[2].TcpConnectionCount, body);
    }

    [Fact]
    public void Client_reads_to_the_end_so_the_server_closes_first_and_alone_holds_time_wait()
    {
        var (client, server, body) = Exchange(closeOnHeader: false);
        Assert.Equal("ok", body);
        Assert.Equal(0, client);                 // LAST_ACK, then gone
        Assert.Equal(1, server);                 // TIME_WAIT
    }

    [Fact]
    public void Closing_on_the_header_makes_the_fins_cross_and_both_ends_wait()
    {
        var (client, server, body) = Exchange(closeOnHeader: true);
        Assert.Equal("ok", body);
        Assert.Equal(1, client);
        Assert.Equal(1, server);
    }
}
