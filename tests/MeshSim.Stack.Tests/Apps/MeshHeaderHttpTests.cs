using System.Text;
using MeshSim.Stack.Apps.Http;
using MeshSim.Stack.Async;
using MeshSim.Wire;

namespace MeshSim.Stack.Tests.Apps;

/// <summary>The simulated HTTP client can put a mesh header in front of its requests; the server accepts
/// both forms on one port and answers in the form it was asked in.</summary>
public class MeshHeaderHttpTests
{
    private static HttpServer Echo(Host host) =>
        new HttpServer(host, 80)
            .Map("/", req => SimTask<HttpResponse>.FromResult(HttpResponse.Text(200, $"{req.Method} {req.Path} host={req.Header("host")}")))
            .Start();

    [Fact]
    public void Mesh_prefixed_and_plain_requests_are_both_served_and_answers_mirror_the_form()
    {
        var n = new StarNet(2, direct: true);
        Echo(n[2]);
        var meshClient = new SimHttpClient(n[1], MeshCarriedHeaders.Default);
        var plainClient = new SimHttpClient(n[1]);
        HttpResponse? viaMesh = null, plain = null;
        n.Sim.Spawn(async () =>
        {
            viaMesh = await meshClient.GetAsync(n[2].Address, 80, "/coffees/1");
            plain = await plainClient.GetAsync(n[2].Address, 80, "/plain");
        });
        n.Sim.RunUntil(SimTime.Second);
        Assert.Equal("GET /coffees/1 host=" + n[2].Address + ":80", viaMesh!.BodyText);
        Assert.Equal(1, meshClient.MeshResponses);          // the server answered with a mesh header too
        Assert.Equal("GET /plain host=" + n[2].Address + ":80", plain!.BodyText);
        Assert.Equal(0, plainClient.MeshResponses);
    }

    [Fact]
    public void A_broken_mesh_header_is_a_clear_error_not_a_crash()
    {
        var n = new StarNet(2, direct: true);
        var server = Echo(n[2]);
        HttpResponse? answer = null;
        n.Sim.Spawn(async () =>
        {
            var s = await n[1].ConnectAsync(n[2].Address, 80);
            var bytes = new byte[] { MeshHeaderFormat.Magic0, MeshHeaderFormat.Magic1, 1, 0, 0, 5, 0, 0, 0, 0 };   // total length 5 < fixed part
            await s.SendAsync(bytes.Concat(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n")).ToArray());
            answer = await new HttpConnection(s).ReadResponseAsync();
        });
        n.Sim.RunUntil(SimTime.Second);
        Assert.Equal(400, answer!.Status);                  // refused with a reason, as for malformed HTTP
        Assert.StartsWith("bad mesh header from ", answer.BodyText);
        Assert.Equal(1, server.BadRequests);
    }
}
