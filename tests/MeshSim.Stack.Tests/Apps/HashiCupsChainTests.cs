using MeshSim.Engine;
using MeshSim.Stack.Apps.HashiCups;
using MeshSim.Stack.Apps.Http;
using MeshSim.Stack.Apps.Load;
using MeshSim.Stack.Apps.Ping;
using MeshSim.Stack.Async;
using Xunit.Abstractions;

namespace MeshSim.Stack.Tests.Apps;

/// <summary>h1 client, h2 frontend, h3 public-api, h4 product-api, h5 payments-api, h6 postgres.</summary>
internal static class HashiCupsDeployment
{
    public static Endpoint Deploy(StarNet n)
    {
        Host frontend = n[2], publicApi = n[3], product = n[4], payments = n[5], db = n[6];
        HashiCupsServices.Postgres(db, HashiCupsDefaults.Postgres);
        HashiCupsServices.PaymentsApi(payments, HashiCupsDefaults.PaymentsApi);
        HashiCupsServices.ProductApi(product, HashiCupsDefaults.ProductApi, new Endpoint(db.Address, 5432));
        HashiCupsServices.PublicApi(publicApi, HashiCupsDefaults.PublicApi,
            new Endpoint(product.Address, 9090), new Endpoint(payments.Address, 8080));
        HashiCupsServices.Frontend(frontend, HashiCupsDefaults.Frontend, new Endpoint(publicApi.Address, 8080));
        return new Endpoint(frontend.Address, 80);
    }
}

/// <summary>The "done" scenario: six hosts on a bridge run pingall, an HTTP request through
/// frontend -> public-api -> product-api -> postgres (+ payments-api), and a load test.</summary>
public class HashiCupsChainTests(ITestOutputHelper output)
{
    private static (StarNet Net, Endpoint Frontend) Deploy(ulong seed = 1)
    {
        var n = new StarNet(6, new LinkOptions(LatencyNs: 50_000), seed);
        return (n, HashiCupsDeployment.Deploy(n));
    }


    [Fact]
    public void Pingall_reaches_every_host()
    {
        var (n, _) = Deploy();
        PingMatrix? m = null;
        n.Sim.Spawn(async () => m = await PingAll.RunAsync(n.Hosts));
        n.Sim.RunUntil(10 * SimTime.Second);
        Assert.NotNull(m);
        output.WriteLine(m!.ToString());
        Assert.Equal(30, m.Received);
        Assert.Contains("*** Results: 0% dropped (30/30 received)", m.ToString());
    }

    [Fact]
    public void Request_flows_through_all_four_services_and_takes_their_service_times()
    {
        var (n, fe) = Deploy();
        HttpResponse? page = null, api = null;
        long apiLatency = 0;
        var client = new SimHttpClient(n[1]);
        n.Sim.Spawn(async () =>
        {
            page = await client.GetAsync(fe.Address, fe.Port, "/");
            long t0 = n.Sim.Now;
            api = await client.GetAsync(fe.Address, fe.Port, "/api");
            apiLatency = n.Sim.Now - t0;
        });
        n.Sim.RunUntil(5 * SimTime.Second);
        Assert.Equal(200, page!.Status);
        Assert.Equal(HashiCupsDefaults.Frontend.ResponseBytes, page.Body.Length);
        Assert.Equal(200, api!.Status);
        Assert.Equal(HashiCupsDefaults.PublicApi.ResponseBytes, api.Body.Length);
        // The chain's CPU time alone: frontend + public-api + product-api + postgres + payments-api.
        long cpu = HashiCupsDefaults.Frontend.ServiceTimeNs + HashiCupsDefaults.PublicApi.ServiceTimeNs +
                   HashiCupsDefaults.ProductApi.ServiceTimeNs + HashiCupsDefaults.Postgres.ServiceTimeNs +
                   HashiCupsDefaults.PaymentsApi.ServiceTimeNs;
        Assert.True(apiLatency > cpu, $"latency {apiLatency} ns must exceed the summed service times {cpu} ns");
        Assert.True(apiLatency < cpu + 20 * SimTime.Millisecond, $"latency {apiLatency} ns is implausibly high");
        output.WriteLine($"/api latency {apiLatency / 1e6:0.000} ms (service time sum {cpu / 1e6:0.000} ms)");
    }

    [Fact]
    public void Load_test_prints_a_histogram()
    {
        var (n, fe) = Deploy();
        LoadResult? r = null;
        n.Sim.Spawn(async () => r = await LoadGenerator.Run(n[1], new LoadOptions { Target = fe.Address, Port = fe.Port, Path = "/api", Requests = 400, Concurrency = 8 }));
        n.Sim.RunUntil(30 * SimTime.Second);
        Assert.NotNull(r);
        output.WriteLine(r!.ToText());
        output.WriteLine(r.ToJson());
        Assert.Equal(400, r.Completed);
        Assert.Equal(0, r.Errors);
        Assert.Equal(400, r.StatusCodes[200]);
        Assert.True(r.Latency.Min <= r.Latency.Percentile(50) && r.Latency.Percentile(50) <= r.Latency.Percentile(90)
                    && r.Latency.Percentile(90) <= r.Latency.Percentile(99) && r.Latency.Percentile(99) <= r.Latency.Max);
        Assert.Contains("# target 99%", r.ToText());
        Assert.Contains("\"p99\"", r.ToJson());
    }

    [Fact]
    public void Qps_pacing_holds_the_rate()
    {
        var (n, fe) = Deploy();
        LoadResult? r = null;
        n.Sim.Spawn(async () => r = await LoadGenerator.Run(n[1], new LoadOptions { Target = fe.Address, Port = fe.Port, Path = "/", DurationNs = 2 * SimTime.Second, Concurrency = 4, Qps = 100 }));
        n.Sim.RunUntil(10 * SimTime.Second);
        Assert.InRange(r!.Completed, 195, 201);
        Assert.InRange(r.ActualQps, 95, 105);
    }

    [Fact]
    public void Same_seed_gives_the_same_latencies()
    {
        string Run()
        {
            var (n, fe) = Deploy(seed: 42);
            LoadResult? r = null;
            n.Sim.Spawn(async () => r = await LoadGenerator.Run(n[1], new LoadOptions { Target = fe.Address, Port = fe.Port, Path = "/api", Requests = 50, Concurrency = 3 }));
            n.Sim.RunUntil(10 * SimTime.Second);
            return r!.ToJson();
        }
        Assert.Equal(Run(), Run());
    }
}
