using MeshSim.Control.Sources.Consul;

namespace MeshSim.Control.Tests.Sources;

public class ConsulWatcherTests
{
    [Fact]
    public async Task Publishes_changes_keeps_last_good_during_an_outage_and_recovers()
    {
        using var consul = new FakeConsul();
        consul.Register("product-api", "p1", "192.168.1.12", 19572);
        var client = new ConsulClient(new HttpClient(), consul.BaseAddress);
        var watcher = new ConsulWatcher(client, TimeSpan.FromMilliseconds(300), new Backoff(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100), new Random(1)));
        var snapshots = new List<ConsulSnapshot>();
        var statuses = new List<ConsulSourceStatus>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = watcher.RunAsync(s => { lock (snapshots) snapshots.Add(s); }, s => { lock (statuses) statuses.Add(s); }, cts.Token);

        await Until(() => snapshots.Count >= 1);
        Assert.Equal(["p1"], snapshots[0].Services["product-api"].Select(e => e.Service.Id));

        consul.FailNextRequests = 3;                              // an outage: three 500s in a row
        await Until(() => statuses.Count(s => !s.Reachable) >= 3 && statuses.Any(s => s.Reachable));
        Assert.Single(snapshots);                                 // nothing new published, nothing flushed
        Assert.Contains("No cluster leader", statuses.First(s => !s.Reachable).Error);

        consul.Register("product-api", "p2", "192.168.1.14", 19572);
        await Until(() => snapshots.Count >= 2);
        Assert.Equal(["p1", "p2"], snapshots[^1].Services["product-api"].Select(e => e.Service.Id));

        consul.ResetIndex(2);                                     // a restored server: the index goes backwards
        consul.Register("payments-api", "pay1", "192.168.1.13", 13427);
        await Until(() => snapshots[^1].Services.ContainsKey("payments-api"));

        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task One_garbage_service_does_not_stop_updates_of_the_others()
    {
        using var consul = new FakeConsul();
        consul.Register("web", "w1", "10.0.0.1", 80);
        consul.Register("api", "a1", "10.0.0.2", 80);
        var watcher = new ConsulWatcher(new ConsulClient(new HttpClient(), consul.BaseAddress), TimeSpan.FromMilliseconds(200),
                                        new Backoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50), new Random(1)));
        var (first, index) = await watcher.PollAsync(0, CancellationToken.None);
        Assert.Equal(2, first.Services.Count);

        consul.GarbageFor = "web";
        consul.Register("api", "a2", "10.0.0.3", 80);
        var (second, _) = await watcher.PollAsync(index, CancellationToken.None);
        Assert.Equal(["a1", "a2"], second.Services["api"].Select(e => e.Service.Id));     // the good service moved on
        Assert.Equal(["w1"], second.Services["web"].Select(e => e.Service.Id));          // the bad one kept its last good
        Assert.Contains(watcher.PartialErrors, e => e.Contains("/v1/health/service/web"));
    }

    [Fact]
    public async Task A_change_of_meta_alone_is_published()
    {
        using var consul = new FakeConsul();
        consul.Register("web", "w1", "10.0.0.1", 80, new Dictionary<string, string> { ["meshsim-mac"] = "02:00:00:00:00:01" });
        var watcher = new ConsulWatcher(new ConsulClient(new HttpClient(), consul.BaseAddress), TimeSpan.FromMilliseconds(300),
                                        new Backoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50), new Random(1)));
        var snapshots = new List<ConsulSnapshot>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = watcher.RunAsync(s => { lock (snapshots) snapshots.Add(s); }, _ => { }, cts.Token);
        await Until(() => snapshots.Count >= 1);

        consul.Register("web", "w1", "10.0.0.1", 80, new Dictionary<string, string> { ["meshsim-mac"] = "02:00:00:00:00:02" });   // the MAC moved
        await Until(() => snapshots.Count >= 2);
        Assert.Equal("02:00:00:00:00:02", snapshots[^1].Services["web"][0].Service.Meta!["meshsim-mac"]);
        cts.Cancel();
        await run;
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached in 15 s");
            await Task.Delay(20);
        }
    }
}
