using BenchmarkDotNet.Attributes;
using MeshSim.Control.Compiler;
using MeshSim.Control.Live;
using MeshSim.Control.Registry;
using MeshSim.Control.Rules;
using MeshSim.Control.Samples;
using MeshSim.Control.Topology;

namespace MeshSim.Benchmarks.Control;

/// <summary>
/// Update latency for changes that move bindings, on the mesh of <see cref="UpdateLatencyBenchmarks"/>
/// (1,000 services, 16 switches): one instance moving to a host on another switch (the bindings of
/// the hosts it left and joined are re-resolved, and the switches whose local bindings differ are
/// recompiled), and one new intention denying a pair (all bindings are re-resolved, since any
/// pair's decision may change; the switches whose bindings differ are recompiled).
/// Run: dotnet run -c Release --project tools/MeshSim.Benchmarks -- --filter '*StructuralUpdate*' --job short --inProcess
/// </summary>
[MemoryDiagnoser]
public class StructuralUpdateBenchmarks
{
    [Params("move-instance", "deny-pair")] public string Change = "";
    private ServiceRegistry _before = null!, _after = null!;
    private ControlLoop _loop = null!;
    private bool _flip;

    [GlobalSetup]
    public void Setup()
    {
        var topology = ScaleMesh.Topology(16, 16);
        _before = ScaleMesh.Registry(topology, 1000, 3, 5);
        if (Change == "move-instance")
        {
            var target = topology.Hosts[^1];   // on the last switch; instance 0 of service 0 is on the first
            _after = new ServiceRegistry(_before.Services.Select((s, k) => k != 0 ? s
                : s with { Instances = s.Instances.Select((i, j) => j != 0 ? i : i with { Node = target.Name, Address = target.Ip, Mac = target.Mac, Port = 45000 }).ToArray() }), _before.Policy);
        }
        else
            _after = new ServiceRegistry(_before.Services, new IntentionPolicy([new Intention(ScaleMesh.Name(0), ScaleMesh.Name(1), IntentionAction.Deny)], IntentionAction.Allow));
        _loop = new ControlLoop(topology, MeshOptions.ThesisLab, topology.Switches.Select(sw => (ISwitchSink)new NullSink(sw.Name)), _ => { });
        _loop.Handle(RegistryUpdate.Snapshot("bench", _before));
    }

    /// <summary>One update: alternately apply the changed and the original registry.</summary>
    [Benchmark]
    public int Update()
    {
        _flip = !_flip;
        _loop.Handle(RegistryUpdate.Snapshot("bench", _flip ? _after : _before));
        return _loop.Mods;
    }
}
