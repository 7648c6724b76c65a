using BenchmarkDotNet.Attributes;
using MeshSim.Control.Compiler;
using MeshSim.Control.Registry;
using MeshSim.Control.Rules;
using MeshSim.Control.Samples;
using MeshSim.Control.Topology;

namespace MeshSim.Benchmarks.Control;

/// <summary>
/// Controller compile and incremental diff on the synthetic mesh of <see cref="ScaleMesh"/>
/// (5 upstreams, 3 instances per service, 16 switches × 16 hosts). The 10 000-service point is in
/// tools/MeshSim.ControlScale, which also prints rule counts.
/// Run: dotnet run -c Release --project tools/MeshSim.Benchmarks -- --filter '*CompileBenchmarks*' --job short
/// </summary>
[MemoryDiagnoser]
public class CompileBenchmarks
{
    [Params(10, 100, 1000)] public int Services;
    private NetworkTopology _topology = null!;
    private ServiceRegistry _registry = null!, _changed = null!;
    private CompileResult _compiled = null!;

    [GlobalSetup]
    public void Setup()
    {
        _topology = ScaleMesh.Topology(16, 16);
        _registry = ScaleMesh.Registry(_topology, Services, 3, 5);
        var victim = _registry.Services[Services / 2];
        _changed = new ServiceRegistry(_registry.Services.Select(s => s != victim ? s
            : s with { Instances = s.Instances.Select((i, k) => k == 0 ? i with { Health = HealthStatus.Critical } : i).ToArray() }), _registry.Policy);
        _compiled = MeshCompiler.Compile(_registry, _topology, MeshOptions.ThesisLab);
    }

    /// <summary>Full compile of every switch.</summary>
    [Benchmark]
    public int Compile() => MeshCompiler.Compile(_registry, _topology, MeshOptions.ThesisLab).RuleSets.Sum(r => r.Flows.Count);

    /// <summary>Recompile after one instance turns critical, and diff every switch against the installed rules.</summary>
    [Benchmark]
    public int RecompileAndDiff()
    {
        var after = MeshCompiler.Compile(_changed, _topology, MeshOptions.ThesisLab);
        int changes = 0;
        for (int i = 0; i < after.RuleSets.Count; i++) changes += RuleSetDiff.Compute(_compiled.RuleSets[i], after.RuleSets[i]).Count;
        return changes;
    }
}
