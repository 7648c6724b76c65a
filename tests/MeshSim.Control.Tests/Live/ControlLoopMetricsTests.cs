using System.Reactive.Concurrency;
using System.Reactive.Subjects;
using MeshSim.Control.Compiler;
using MeshSim.Control.Live;
using MeshSim.Control.Metrics;
using MeshSim.Control.Registry;
using MeshSim.Control.Rules;
using MeshSim.Control.Samples;

namespace MeshSim.Control.Tests.Live;

/// <summary>The live controller's own series (<c>meshsim control --metrics-listen</c>).</summary>
public class ControlLoopMetricsTests
{
    private sealed class Sink(string name) : ISwitchSink
    {
        public string Switch => name;
        public bool Refuse;
        public void Apply(RuleSetDiff diff)
        {
            if (Refuse) throw new SinkException($"{name}: refused (test)");
        }
    }

    private static long Value(string text, string series) =>
        long.Parse(text.Split('\n').Single(l => l.StartsWith(series + " ", StringComparison.Ordinal)).Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Pushes_rejections_refusals_outages_and_latency_are_counted()
    {
        var s1 = new Sink("s1");
        var clock = new HistoricalScheduler();
        var loop = new ControlLoop(ThesisLab.Topology(), MeshOptions.ThesisLab, [s1, new Sink("s2")], _ => { }, clock);
        var source = new Subject<RegistryUpdate>();
        using var _ = loop.Run([source], quiet: TimeSpan.FromMilliseconds(100), maxDelay: TimeSpan.FromMilliseconds(500));
        var empty = ControlLoopMetrics.Render(loop.Snapshot());
        Assert.Equal(0, Value(empty, "meshsim_control_pushes_total"));
        Assert.Equal(0, Value(empty, "meshsim_control_switch_flows{switch=\"s1\"}"));
        Assert.DoesNotContain("meshsim_control_last_push_timestamp_seconds", empty);

        source.OnNext(RegistryUpdate.Snapshot("consul", ThesisLab.Registry()));
        clock.AdvanceBy(TimeSpan.FromMilliseconds(200));
        source.OnNext(RegistryUpdate.Down("consul", "connection refused"));
        var bad = new ServiceRegistry(ThesisLab.Registry().Services.Select(s => s.Name != "payments" ? s
            : s with { Instances = [.. s.Instances, s.Instances[0] with { Id = "payments-9", Node = "H9" }] }));
        loop.Handle(RegistryUpdate.Snapshot("test", bad));
        s1.Refuse = true;
        var critical = new ServiceRegistry(ThesisLab.Registry().Services.Select(s => s.Name != "product-api" ? s
            : s with { Instances = s.Instances.Select(i => i with { Health = HealthStatus.Critical }).ToArray() }), ThesisLab.Registry().Policy);
        loop.Handle(RegistryUpdate.Snapshot("test", critical));

        var text = ControlLoopMetrics.Render(loop.Snapshot());
        var full = MeshCompiler.Compile(ThesisLab.Registry(), ThesisLab.Topology(), MeshOptions.ThesisLab);
        Assert.Equal(2, Value(text, "meshsim_control_pushes_total"));
        Assert.Equal(loop.Mods, Value(text, "meshsim_control_modifications_total"));
        Assert.Equal(1, Value(text, "meshsim_control_rejected_snapshots_total"));
        Assert.Equal(1, Value(text, "meshsim_control_source_outages_total"));
        Assert.Equal(1, Value(text, "meshsim_control_switch_refused_total{switch=\"s1\"}"));
        Assert.Equal(0, Value(text, "meshsim_control_switch_refused_total{switch=\"s2\"}"));
        // s1 refused the second update, so it still holds the first.
        Assert.Equal(full.For("s1").Flows.Count, Value(text, "meshsim_control_switch_flows{switch=\"s1\"}"));
        Assert.Equal(full.For("s1").Groups.Count, Value(text, "meshsim_control_switch_groups{switch=\"s1\"}"));
        Assert.Equal(ThesisLab.Registry().Services.Count, Value(text, "meshsim_control_services"));
        Assert.True(Value(text, "meshsim_control_service_pairs{decision=\"allow\"}") > 0);
        Assert.Equal(0, Value(text, "meshsim_control_service_pairs{decision=\"deny\"}"));   // allow-all
        // Only the push that came through the pipeline has a registry-to-switch latency.
        Assert.Equal(1, Value(text, "meshsim_control_push_latency_seconds_count"));
        Assert.Equal(1, Value(text, "meshsim_control_push_latency_seconds_bucket{le=\"+Inf\"}"));
        Assert.Contains("# TYPE meshsim_control_push_latency_seconds histogram\n", text);
    }
}
