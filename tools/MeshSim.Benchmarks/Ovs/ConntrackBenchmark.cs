using BenchmarkDotNet.Attributes;
using MeshSim.Engine;
using MeshSim.Ovs.Conntrack;
using MeshSim.Wire;

namespace MeshSim.Benchmarks.Ovs;

/// <summary>Conntrack lookups per second: a bare tuple lookup in a table of <see cref="Connections"/>
/// entries, and the full ct() of an established TCP segment (extraction, checksum checks, lookup,
/// window tracking, metadata).</summary>
[MemoryDiagnoser]
public class ConntrackBenchmark
{
    private const int Batch = 4096;
    private ConnTracker _ct = null!;
    private ConnKey[] _keys = null!;
    private byte[][] _frames = null!;
    private FlowKey[] _flows = null!;

    [Params(10_000, 100_000)] public int Connections;

    [GlobalSetup]
    public void Setup()
    {
        _ct = new ConnTracker(SimRandom.ForStream(1, "ct-bench"));
        var commit = new CtRequest(true, false, 1, null);
        var track = new CtRequest(false, false, 1, null);
        var buf = new byte[128];
        var mac = MacAddress.Parse("00:00:00:00:00:01");
        var frames = new List<byte[]>();
        var keys = new List<ConnKey>();
        for (int i = 0; i < Connections; i++)
        {
            var src = new Ipv4Address(0x0A000000u | (uint)(i / 50000 + 1));
            var dst = Ipv4Address.Parse("10.1.0.5");
            ushort sport = (ushort)(1024 + i % 50000);
            Run(FrameBuilder.Tcp(buf, new EthernetRepr(mac, mac, 0x0800), new Ipv4Repr(src, dst), new TcpRepr(sport, 80, 100, 0, TcpFlags.Syn, 65535), []), commit);
            Run(FrameBuilder.Tcp(buf, new EthernetRepr(mac, mac, 0x0800), new Ipv4Repr(dst, src), new TcpRepr(80, sport, 900, 101, TcpFlags.Syn | TcpFlags.Ack, 65535), []), track);
            int n = FrameBuilder.Tcp(buf, new EthernetRepr(mac, mac, 0x0800), new Ipv4Repr(src, dst), new TcpRepr(sport, 80, 101, 901, TcpFlags.Ack, 65535), []);
            Run(n, track);
            if (i < Batch) frames.Add(buf[..n]);
            keys.Add(new ConnKey(src.Value, dst.Value, sport, 80, 0, 0, 6, 1));
        }
        var rng = SimRandom.ForStream(1, "ct-bench/order");
        _keys = Enumerable.Range(0, Batch).Select(_ => keys[rng.Next(0, keys.Count)]).ToArray();
        _frames = frames.ToArray();
        _flows = _frames.Select(f => { var k = default(FlowKey); var c = default(ExtractCounters); FlowExtractor.Extract(f, 1, ref k, ref c); return k; }).ToArray();

        void Run(int n, CtRequest req)
        {
            var k = default(FlowKey); var c = default(ExtractCounters);
            FlowExtractor.Extract(buf.AsSpan(0, n), 1, ref k, ref c);
            var md = default(CtMetadata);
            _ct.Execute(buf.AsSpan(0, n), in k, ref md, in req, 0);
        }
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int TupleLookup()
    {
        int found = 0;
        foreach (var k in _keys) if (_ct.Find(in k, 0, out _) is not null) found++;
        return found;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int EstablishedSegment()
    {
        var req = new CtRequest(false, false, 1, null);
        int est = 0;
        for (int i = 0; i < _frames.Length; i++)
        {
            var md = default(CtMetadata);
            _ct.Execute(_frames[i], in _flows[i], ref md, in req, 1);
            if ((md.State & CtState.Established) != 0) est++;
        }
        return est;
    }
}
