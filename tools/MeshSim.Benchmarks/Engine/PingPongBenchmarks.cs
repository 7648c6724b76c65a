using BenchmarkDotNet.Attributes;
using MeshSim.Engine;

namespace MeshSim.Benchmarks.Engine;

/// <summary>
/// Two nodes bounce one 64-byte frame back and forth over a 1 Gbit/s, 1 µs link. One operation = one
/// frame crossing the link (two events: end of serialisation, arrival), including port counters
/// and the node's receive call.
/// </summary>
[MemoryDiagnoser]
public class PingPongBenchmarks
{
    private const int HopsPerInvoke = 100_000;

    private Network _net = null!;
    private Bouncer _a = null!, _b = null!;

    [GlobalSetup]
    public void Setup()
    {
        _net = new Network(seed: 1);
        _a = new Bouncer(_net, "a");
        _b = new Bouncer(_net, "b");
        _net.Connect(_a.Port, _b.Port, new LinkOptions(LatencyNs: 1_000));
        _a.Port.Send(_net.Frames.Rent(new byte[64]));
        _a.StopAt = 1_000;
        _net.Sim.Run();   // warm-up
    }

    /// <summary>Runs <see cref="HopsPerInvoke"/> link crossings.</summary>
    [Benchmark(OperationsPerInvoke = HopsPerInvoke)]
    public long Hops()
    {
        _a.StopAt = _a.Received + _b.Received + HopsPerInvoke;
        _b.StopAt = _a.StopAt;
        _net.Sim.Run();
        return _net.Sim.Now;
    }

    private sealed class Bouncer : Node
    {
        public Bouncer(Network n, string name) : base(n, name) => Port = AddPort(1);

        public Port Port { get; }
        public long Received;
        public long StopAt;
        private Bouncer? _peer;

        protected override void Receive(Port port, Frame frame)
        {
            Received++;
            _peer ??= (Bouncer)port.Peer!.Owner;
            port.Send(frame);
            if (Received + _peer.Received >= StopAt) Sim.Stop();
        }
    }
}
