using System.Reactive.Concurrency;
using System.Reactive.Subjects;
using MeshSim.Control.Compiler;
using MeshSim.Control.Live;
using MeshSim.Control.Registry;
using MeshSim.Control.Rules;
using MeshSim.Control.Samples;

namespace MeshSim.Control.Tests.Live;

public class ControlLoopTests
{
    /// <summary>Records what it was asked to apply; can be told to refuse.</summary>
    private sealed class RecordingSink(string name) : ISwitchSink
    {
        public string Switch => name;
        public List<RuleSetDiff> Applied { get; } = new();
        public bool Refuse;
        public void Apply(RuleSetDiff diff)
        {
            if (Refuse) throw new SinkException($"{name}: refused (test)");
            Applied.Add(diff);
        }
    }

    private static ServiceRegistry WithProductHealth(HealthStatus health)
    {
        var r = ThesisLab.Registry();
        var h3 = ThesisLab.Topology().FindHost("H3")!;
        return new ServiceRegistry(r.Services.Select(s => s.Name != "product-api" ? s
            : s with { Instances = [.. s.Instances, new ServiceInstance("product-api-2", "H3", h3.Ip, 19573, h3.Mac, [], 1, health)] }), r.Policy);
    }

    private static (ControlLoop Loop, Dictionary<string, RecordingSink> Sinks, List<ControlEvent> Log) NewLoop()
    {
        var sinks = new Dictionary<string, RecordingSink> { ["s1"] = new("s1"), ["s2"] = new("s2") };
        var log = new List<ControlEvent>();
        return (new ControlLoop(ThesisLab.Topology(), MeshOptions.ThesisLab, sinks.Values, log.Add), sinks, log);
    }

    [Fact]
    public void First_push_installs_everything_then_only_differences_travel()
    {
        var (loop, sinks, _) = NewLoop();
        loop.Handle(RegistryUpdate.Snapshot("test", WithProductHealth(HealthStatus.Passing)));
        var full = MeshCompiler.Compile(WithProductHealth(HealthStatus.Passing), ThesisLab.Topology(), MeshOptions.ThesisLab);
        Assert.Equal(full.RuleSets.Sum(r => r.Flows.Count + r.Groups.Count), loop.Mods);
        Assert.True(loop.Installed["s1"].SameRules(full.For("s1")));

        int before = loop.Mods;
        loop.Handle(RegistryUpdate.Snapshot("test", WithProductHealth(HealthStatus.Passing)));
        Assert.Equal(before, loop.Mods);                                     // nothing changed, nothing sent

        loop.Handle(RegistryUpdate.Snapshot("test", WithProductHealth(HealthStatus.Critical)));
        var change = sinks["s1"].Applied[^1];
        Assert.Equal(1, change.Count);                                       // the product-api group loses a bucket
        Assert.Single(change.GroupUpserts);
        Assert.Empty(sinks["s2"].Applied.Skip(1));                           // s2 has no client of product-api
    }

    [Fact]
    public void Bad_snapshots_and_outages_change_nothing_and_are_reported()
    {
        var (loop, sinks, log) = NewLoop();
        loop.Handle(RegistryUpdate.Snapshot("test", ThesisLab.Registry()));
        int mods = loop.Mods;
        var installed = loop.Installed["s1"];

        // An instance on a node the topology does not have: the compiler refuses the whole snapshot.
        var bad = new ServiceRegistry(ThesisLab.Registry().Services.Select(s => s.Name != "payments" ? s
            : s with { Instances = [.. s.Instances, s.Instances[0] with { Id = "payments-9", Node = "H9" }] }));
        loop.Handle(RegistryUpdate.Snapshot("test", bad));
        Assert.Equal(mods, loop.Mods);
        Assert.Same(installed, loop.Installed["s1"]);
        Assert.Contains(log, e => e.Kind == "rejected" && e.Message.Contains("node 'H9' is not a host"));

        // A refusing switch keeps its rules; the loop retries the difference on the next update.
        sinks["s1"].Refuse = true;
        loop.Handle(RegistryUpdate.Snapshot("test", WithProductHealth(HealthStatus.Passing)));
        Assert.Same(installed, loop.Installed["s1"]);
        Assert.Contains(log, e => e.Kind == "refused");
        sinks["s1"].Refuse = false;
        loop.Handle(RegistryUpdate.Snapshot("test", WithProductHealth(HealthStatus.Passing)));
        Assert.True(loop.Installed["s1"].SameRules(MeshCompiler.Compile(WithProductHealth(HealthStatus.Passing), ThesisLab.Topology(), MeshOptions.ThesisLab).For("s1")));
    }

    [Fact]
    public void The_rx_pipeline_coalesces_bursts_reports_outages_and_bounds_the_delay()
    {
        var (loop, sinks, log) = NewLoop();
        var clock = new HistoricalScheduler();
        loop = new ControlLoop(ThesisLab.Topology(), MeshOptions.ThesisLab, sinks.Values, log.Add, clock);
        var source = new Subject<RegistryUpdate>();
        using var _ = loop.Run([source], quiet: TimeSpan.FromMilliseconds(100), maxDelay: TimeSpan.FromMilliseconds(500));

        // A burst of 5 updates 50 ms apart: one push, of the last one, 100 ms after it.
        for (int i = 0; i < 5; i++)
        {
            source.OnNext(RegistryUpdate.Snapshot("consul", WithProductHealth(i % 2 == 0 ? HealthStatus.Passing : HealthStatus.Critical)));
            clock.AdvanceBy(TimeSpan.FromMilliseconds(50));
        }
        Assert.Equal(0, loop.Pushes);
        clock.AdvanceBy(TimeSpan.FromMilliseconds(60));
        Assert.Equal(1, loop.Pushes);
        Assert.True(loop.Installed["s1"].SameRules(MeshCompiler.Compile(WithProductHealth(HealthStatus.Passing), ThesisLab.Topology(), MeshOptions.ThesisLab).For("s1")));

        // An outage is logged and pushes nothing.
        source.OnNext(RegistryUpdate.Down("consul", "connection refused"));
        clock.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.Equal(1, loop.Pushes);
        Assert.Contains(log, e => e.Kind == "outage" && e.Message.Contains("switches keep their rules"));

        // A source that never goes quiet is still pushed within maxDelay.
        for (int i = 0; i < 20; i++)
        {
            source.OnNext(RegistryUpdate.Snapshot("consul", WithProductHealth(i % 2 == 0 ? HealthStatus.Critical : HealthStatus.Passing)));
            clock.AdvanceBy(TimeSpan.FromMilliseconds(60));
        }
        Assert.True(loop.Pushes >= 3, $"pushes: {loop.Pushes}");
    }
}
