using BenchmarkDotNet.Attributes;
using MeshSim.Engine;
using MeshSim.Ovs.Classification;

namespace MeshSim.Benchmarks.Ovs;

/// <summary>Classifier lookups per second on OVS's test-classifier workload, with and without the
/// exact-match cache. Lookups/s = OperationsPerInvoke / mean time.</summary>
[MemoryDiagnoser]
public class ClassifierLookupBenchmark
{
    private const int Lookups = 16384;
    private Classifier<int> _cls = null!;
    private ExactMatchCache<int> _cache = null!;
    private PacketKey[] _flows = null!;
    private int[] _order = null!;

    [Params(1_000, 10_000, 100_000)] public int Rules;
    [Params(1, 8)] public int Subtables;

    [GlobalSetup]
    public void Setup()
    {
        (_cls, _flows) = ClassifierWorkload.Build(Rules, Subtables);
        _cache = new ExactMatchCache<int>(_cls, 32768);
        var rng = SimRandom.ForStream(1, "classifier-benchmark/order");
        _order = Enumerable.Range(0, Lookups).Select(_ => rng.Next(0, _flows.Length)).ToArray();
    }

    [Benchmark(OperationsPerInvoke = Lookups)]
    public int Classifier()
    {
        int hits = 0;
        var flows = _flows;
        foreach (int i in _order) if (_cls.Lookup(in flows[i]) is not null) hits++;
        return hits;
    }

    [Benchmark(OperationsPerInvoke = Lookups)]
    public int WithExactMatchCache()
    {
        int hits = 0;
        var flows = _flows;
        foreach (int i in _order) if (_cache.Lookup(in flows[i]) is not null) hits++;
        return hits;
    }
}
