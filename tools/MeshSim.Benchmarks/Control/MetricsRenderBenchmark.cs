using BenchmarkDotNet.Attributes;
using MeshSim.Control.Compiler;
using MeshSim.Control.Metrics;
using MeshSim.Control.Samples;
using MeshSim.Engine;
using MeshSim.Ovs.Datapath;
using MeshSim.Ovs.Stats;

namespace MeshSim.Benchmarks.Control;

/// <summary>
/// Cost of one scrape of <c>run --metrics</c>: the switches' exposition and the controller's service
/// series over the compiled synthetic mesh of <see cref="ScaleMesh"/> (16 switches × 16 hosts, 5
/// upstreams, 3 instances), installed on bridges. 450 services give 20 814 flows in all (measured: 34 ms switch series, 22 ms service series; 2000 services, 44 064 flows: 90 ms and 82 ms).
/// Run: dotnet run -c Release --project tools/MeshSim.Benchmarks -- --filter '*MetricsRenderBenchmark*' --job short
/// </summary>
[MemoryDiagnoser]
public class MetricsRenderBenchmark
{
    [Params(450)] public int Services;
    private List<OpenFlowBridge> _bridges = null!;
    private ServiceTcpMetrics _services = null!;

    /// <summary>Flows installed over all bridges.</summary>
    public int Flows => _bridges.Sum(b => b.Tables.Sum(t => t.Count));

    [GlobalSetup]
    public void Setup()
    {
        var topology = ScaleMesh.Topology(16, 16);
        var compiled = MeshCompiler.Compile(ScaleMesh.Registry(topology, Services, 3, 5), topology, MeshOptions.ThesisLab);
        var sim = new Simulator(1);
        _bridges = compiled.RuleSets.OrderBy(r => r.Switch, StringComparer.Ordinal).Select(r =>
        {
            var b = new OpenFlowBridge(r.Switch, sim.Random("bench/" + r.Switch), () => sim.Now);
            foreach (var g in r.Groups) b.AddGroup(g.Group);
            foreach (var f in r.Flows) b.AddFlow(f.Flow);
            return b;
        }).ToList();
        _services = new ServiceTcpMetrics(compiled, MeshOptions.ThesisLab.VirtualIp);
        Console.WriteLine($"// {Flows} flows on {_bridges.Count} bridges");
    }

    /// <summary>The switches' series (per flow cookie, groups, ports, exporter).</summary>
    [Benchmark]
    public int SwitchSeries() => PrometheusText.Render(_bridges).Length;

    /// <summary>The Istio-named service series (cookie and conntrack → service pair).</summary>
    [Benchmark]
    public int ServiceSeries() => _services.Render(_bridges).Length;
}
