using FsCheck;
using FsCheck.Fluent;
using MeshSim.Cli.Run;
using MeshSim.Cli.Scenario;
using MeshSim.Control.Simulation;
using MeshSim.Testing;

namespace MeshSim.Control.Tests.Properties;

/// <summary>
/// A failing property prints a scenario that fails under <c>meshsim run</c> the same way: its
/// expectations are the property's, so the verdicts that fail are exactly the bindings the property
/// got wrong, and the ones that hold are the ones it got right.
/// </summary>
public class CounterexampleTests
{
    /// <summary>A small mesh with a denied pair: svc0 on h0 and h1 calls svc1 (denied from h-any) and svc2.</summary>
    private static readonly MeshCase Case = new(false, 2, [0, 1, 1],
        [new([new(0, 2000, 1, Control.Registry.HealthStatus.Passing), new(1, 2001, 1, Control.Registry.HealthStatus.Passing)], [1, 2]),
         new([new(2, 3000, 1, Control.Registry.HealthStatus.Passing)], []),
         new([new(2, 3001, 1, Control.Registry.HealthStatus.Passing)], [])],
        [new(0, 1, false)], true);

    [Fact]
    public void A_wrong_expectation_fails_with_a_scenario_that_run_fails_on_the_same_bindings()
    {
        // The (wrong) property: every binding connects. svc0 -> svc1 is denied, so it fails there.
        var property = MeshProperties.PairsBehaveAs(Case, _ => true);
        var label = Assert.Throws<Exception>(() => property.QuickCheckThrowOnFailure()).Message;
        Assert.Contains("svc0@h0 -> svc1 (:10001) deny", label);
        var yaml = label[(label.IndexOf("name: counterexample", StringComparison.Ordinal))..];
        yaml = yaml[..(yaml.IndexOf("\n\n", StringComparison.Ordinal) is var end and > 0 ? end + 1 : yaml.Length)];

        var report = ScenarioRun.Execute(ScenarioLoader.Load(yaml, "cex.yaml"));
        Assert.False(report.AllHeld);
        var failed = report.Verdicts.Where(v => !v.Held).Select(v => v.Expectation).Order().ToArray();
        Assert.Equal(["reach: svc0@h0 -> svc1", "reach: svc0@h1 -> svc1"], failed);
        Assert.Equal(2, report.Verdicts.Count(v => v.Held));                // svc0 -> svc2 from both hosts
        Assert.Contains("traffic:", yaml);
    }

    [Fact]
    public void The_right_expectation_holds_and_its_scenario_passes()
    {
        MeshProperties.PairsBehaveAs(Case, p => p.Allowed && p.HasHealthyUpstream).QuickCheckThrowOnFailure();
        var t = Case.Topology();
        var registry = Case.Registry(t);
        var fabric = MeshFabric.Build(SwitchKind.Ovs, registry, t, MeshCase.Options);
        var yaml = MeshProperties.Counterexample(Case, SwitchKind.Ovs, registry, fabric.Pairs, p => p.Allowed);
        var report = ScenarioRun.Execute(ScenarioLoader.Load(yaml, "cex.yaml"));
        Assert.True(report.AllHeld, RunReportText.ToText(report));
        Assert.Equal(4, report.Verdicts.Count);
    }
}
