using MeshSim.Cli.Experiment;

namespace MeshSim.Cli.Tests.Experiment;

public class ExperimentGridTests
{
    [Theory]
    [InlineData("SN")]
    [InlineData("MN")]
    public void The_sidecar_mesh_opens_three_tcp_connections_where_the_switch_mesh_opens_one(string layout)
    {
        var spec = ExperimentLoader.LoadPath(ExperimentFixture.Small(layout));
        var cells = ExperimentRunner.Run(spec);
        foreach (var (sidecar, sw) in ExperimentReport.Pairs(cells))
        {
            Assert.True(sw.NetworkConnections > 0);
            Assert.Equal(0, sw.LoopbackConnections);
            // app -> own proxy (loopback), proxy -> proxy, proxy -> app (loopback): two extra legs per hop.
            Assert.Equal(3 * sw.NetworkConnections, sidecar.LoopbackConnections + sidecar.NetworkConnections);
        }
    }

    [Fact]
    public void At_concurrency_one_the_switch_mesh_is_faster_by_at_least_the_proxies_configured_cost()
    {
        var spec = ExperimentLoader.LoadPath(ExperimentFixture.Small());
        var costs = spec.Sidecar.Costs;
        foreach (var test in spec.Tests)
        {
            var layout = spec.Layouts[0];
            // Hops per call = connections the switch mesh opens on a cold world with one worker.
            var sw = ExperimentRunner.Build(spec, layout, MeshKind.Switch);
            var counter = new ConnectionCounter();
            sw.World.Network.AddObserver(counter);
            var swResult = ExperimentRunner.Attempt(sw, test, 1, 20);
            long hops = counter.Network;
            var sidecarResult = ExperimentRunner.Attempt(ExperimentRunner.Build(spec, layout, MeshKind.Sidecar), test, 1, 20);
            long floor = hops * 2 * (costs.PerRequestCpuNs + costs.PerRequestWaitNs);
            Assert.True(hops >= 1);
            Assert.True(sidecarResult.Latency.Min - swResult.Latency.Min >= floor,
                $"{test.Name}: sidecar min {sidecarResult.Latency.Min} ns, switch min {swResult.Latency.Min} ns, {hops} hop(s) x 2 proxies must add >= {floor} ns");
            Assert.Equal(20, sidecarResult.StatusCodes.GetValueOrDefault(200));
            Assert.Equal(20, swResult.StatusCodes.GetValueOrDefault(200));
        }
    }

    [Fact]
    public void A_higher_switch_cost_narrows_the_gap()
    {
        var spec = ExperimentLoader.LoadPath(ExperimentFixture.Small());
        var test = spec.Tests[1];
        double Mean(long perPacket) => ExperimentRunner.Attempt(
            MeshWorld.BuildSwitch(spec.Layouts[0].Scenario, new SwitchMeshSpec(perPacket), spec.Seed), test, 1, 10).Latency.Mean;
        Assert.True(Mean(50_000) > Mean(0));
    }

    [Fact]
    public void Same_seed_same_results_byte_for_byte()
    {
        var file = ExperimentFixture.Small(concurrency: "[1, 8]");
        string Run() { var spec = ExperimentLoader.LoadPath(file); return ExperimentReport.ToJson(spec, ExperimentRunner.Run(spec)) + ExperimentReport.ToText(spec, ExperimentRunner.Run(spec)); }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Histogram_samples_read_back_through_percentiles_are_the_recorded_samples()
    {
        var h = new MeshSim.Stack.Apps.Load.LatencyHistogram();
        long[] values = [5, 3, 3, 9, 1, 7, 7, 7, 2];
        foreach (var v in values) h.Record(v);
        Assert.Equal(values.Order().ToArray(), ExperimentReport.Samples(h));
    }
}
