using BenchmarkDotNet.Attributes;
using MeshSim.Control.Compiler;
using MeshSim.Control.Live;
using MeshSim.Control.Registry;
using MeshSim.Control.Rules;
using MeshSim.Control.Samples;
using MeshSim.Control.Topology;

namespace MeshSim.Benchmarks.Control;

/// <summary>
/// Update latency of the live control loop: from a registry snapshot with N changed instances (health
/// flips) to every switch's rules in place (compile, diff against what each switch holds, apply to
/// in-memory sinks). 1,000 services of 3 instances and 5 upstreams each, on 256 hosts behind 16
/// switches (15,000 bindings, about 29,000 flows and 1,900 groups in all); Changes = 1, 100, 1000.
/// <see cref="Rebuilt"/> = true builds the changed snapshot from new objects throughout, as the Consul
/// and Kubernetes sources do on every change, so nothing can be recognised by reference.
/// Run: dotnet run -c Release --project tools/MeshSim.Benchmarks -- --filter '*UpdateLatency*' --job short --inProcess
/// </summary>
[MemoryDiagnoser]
public class UpdateLatencyBenchmarks
{
    [Params(1, 100, 1000)] public int Changes;
    [Params(false, true)] public bool Rebuilt;
    private NetworkTopology _topology = null!;
    private ServiceRegistry _before = null!, _after = null!;
    private ControlLoop _loop = null!;
    private bool _flip;

    [GlobalSetup]
    public void Setup()
    {
        _topology = ScaleMesh.Topology(16, 16);
        _before = ScaleMesh.Registry(_topology, 1000, 3, 5);
        int changed = 0;
        _after = new ServiceRegistry(_before.Services.Select(s => changed >= Changes ? (Rebuilt ? Copy(s) : s)
            : s with { Instances = s.Instances.Select(i => changed++ < Changes ? i with { Health = HealthStatus.Critical } : i with { }).ToArray() }), _before.Policy);
        _loop = new ControlLoop(_topology, MeshOptions.ThesisLab, _topology.Switches.Select(sw => (ISwitchSink)new NullSink(sw.Name)), _ => { });
        _loop.Handle(RegistryUpdate.Snapshot("bench", _before));
    }

    private static Service Copy(Service s) => new(s.Name, s.Instances.Select(i => i with { Tags = [.. i.Tags] }).ToArray(), s.Upstreams.Select(u => u with { }).ToArray());

    /// <summary>One update: alternately apply the changed and the original registry.</summary>
    [Benchmark]
    public int Update()
    {
        _flip = !_flip;
        _loop.Handle(RegistryUpdate.Snapshot("bench", _flip ? _after : _before));
        return _loop.Mods;
    }
}
