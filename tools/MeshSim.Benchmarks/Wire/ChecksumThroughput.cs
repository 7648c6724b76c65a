using BenchmarkDotNet.Attributes;
using MeshSim.Wire;

namespace MeshSim.Benchmarks.Wire;

/// <summary>
/// Internet checksum cost: the full RFC 1071 sum over an MTU-sized and a header-sized buffer, and
/// the RFC 1624 incremental update a NAT rewrite uses instead of recomputing.
/// Run: dotnet run -c Release --project tools/MeshSim.Benchmarks -- --filter '*ChecksumThroughput*' --job short
/// </summary>
[MemoryDiagnoser]
public class ChecksumThroughput
{
    private byte[] _data = null!;
    private uint _old, _new;

    [Params(20, 1500)]
    public int Bytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Bytes];
        new Random(42).NextBytes(_data);
        (_old, _new) = (0x0A000001, 0xC0A80107);
    }

    [Benchmark(Baseline = true)]
    public ushort Full() => Checksum.Compute(_data);

    [Benchmark]
    public ushort Incremental_address_rewrite() => Checksum.Adjust((ushort)Bytes, _old, _new);
}
