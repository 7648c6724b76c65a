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

    /// <summary>Sends <paramref name="meshBytes"/> and a plain request after it; returns the answer and the server.</summary>
    private static (HttpResponse? Answer, HttpServer Server) SendRaw(byte[] meshBytes)
    {
        var n = new StarNet(2, direct: true);
        var server = Echo(n[2]);
        HttpResponse? answer = null;
        n.Sim.Spawn(async () =>
        {
            var s = await n[1].ConnectAsync(n[2].Address, 80);
            await s.SendAsync(meshBytes.Concat(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n")).ToArray());
            answer = await new HttpConnection(s).ReadResponseAsync();
        });
        n.Sim.RunUntil(SimTime.Second);
        return (answer, server);
    }

    [Fact]
    public void A_broken_mesh_header_is_a_clear_error_not_a_crash()
    {
        // Total length 5 is shorter than the fixed part.
        var (answer, server) = SendRaw([MeshHeaderFormat.Magic0, MeshHeaderFormat.Magic1, MeshHeaderFormat.CurrentVersion, 0, 0, 5, 0, 0, 0, 0]);
        Assert.Equal(400, answer!.Status);                  // refused with a reason, as for malformed HTTP
        Assert.StartsWith("bad mesh header from ", answer.BodyText);
        Assert.Contains("mesh.total_length at byte 4", answer.BodyText);
        Assert.Equal(1, server.BadRequests);
    }

    [Fact]
    public void A_version_1_mesh_header_is_refused_as_unsupported()
    {
        // "GET /" in the version 1 layout (no field table); version 2 replaced it and nothing reads it any more.
        var (answer, server) = SendRaw([0x4d, 0x48, 0x01, 0x00, 0x00, 0x0b, 0x08, 0x00, 0x00, 0x01, 0x2f]);
        Assert.Equal(400, answer!.Status);
        Assert.Contains("mesh.version at byte 2", answer.BodyText);
        Assert.Equal(1, server.BadRequests);
    }
}
