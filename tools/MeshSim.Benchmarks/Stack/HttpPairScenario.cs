using MeshSim.Engine;
using MeshSim.Stack;
using MeshSim.Stack.Apps.Http;
using MeshSim.Stack.Async;
using MeshSim.Wire;

namespace MeshSim.Benchmarks.Stack;

/// <summary>A client and an HTTP server on one direct 1 Gbit/s, 50 us link; the client issues
/// <see cref="Requests"/> keep-alive GETs back to back (1 KiB answers, no service time).</summary>
public sealed class HttpPairScenario
{
    /// <summary>Sets up and starts the client.</summary>
    public HttpPairScenario(int requests)
    {
        Requests = requests;
        Net = new Network(1);
        var client = new Host(Net, "client");
        var server = new Host(Net, "server");
        client.AddInterface(MacAddress.Parse("02:00:00:00:00:01"), Ipv4Address.Parse("10.0.0.1"), 24);
        server.AddInterface(MacAddress.Parse("02:00:00:00:00:02"), Ipv4Address.Parse("10.0.0.2"), 24);
        Net.Connect(client.Ports[0], server.Ports[0]);
        new HttpServer(server, 80).Map("/", _ => SimTask<HttpResponse>.FromResult(HttpResponse.Ok(1024))).Start();
        var http = new SimHttpClient(client);
        Net.Sim.Spawn(async () =>
        {
            for (int i = 0; i < requests; i++)
                if ((await http.GetAsync(server.Address, 80, "/")).Status == 200) Completed++;
        });
    }

    /// <summary>The network.</summary>
    public Network Net { get; }
    /// <summary>Requests to make.</summary>
    public int Requests { get; }
    /// <summary>Requests answered with 200.</summary>
    public int Completed { get; private set; }

    /// <summary>Runs until every request is answered.</summary>
    public void Run() => Net.Sim.Run();
}
