using MeshSim.Engine;

namespace MeshSim.Benchmarks.Engine;

/// <summary>
/// Two nodes bounce 64-byte frames back and forth over a 1 Gbit/s, 1 µs link. A hop (one frame
/// crossing the link) is two events, end of serialisation and arrival, plus port counters and the
/// node's receive call. Shared by the BenchmarkDotNet class and the runner in tools/ns3.
/// </summary>
public sealed class PingPongModel
{
    private readonly Bouncer _a, _b;

    /// <summary>Builds the pair and puts <paramref name="framesInFlight"/> frames on the link.</summary>
    public PingPongModel(int framesInFlight = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(framesInFlight);
        Network = new Network(seed: 1);
        _a = new Bouncer(Network, "a", this);
        _b = new Bouncer(Network, "b", this);
        Network.Connect(_a.Port, _b.Port, new LinkOptions(LatencyNs: 1_000));
        for (int i = 0; i < framesInFlight; i++) _a.Port.Send(Network.Frames.Rent(new byte[64]));
    }

    /// <summary>The network being exercised.</summary>
    public Network Network { get; }

    /// <summary>Frames delivered so far, both directions.</summary>
    public long Hops { get; private set; }

    private long _stopAt;

    /// <summary>Runs until exactly <paramref name="hops"/> more frames have been delivered.</summary>
    public void RunHops(long hops)
    {
        _stopAt = Hops + hops;
        Network.Sim.Run();
    }

    private sealed class Bouncer : Node
    {
        private readonly PingPongModel _model;

        public Bouncer(Network n, string name, PingPongModel model) : base(n, name)
        {
            _model = model;
            Port = AddPort(1);
        }

        public Port Port { get; }

        protected override void Receive(Port port, Frame frame)
        {
            port.Send(frame);
            if (++_model.Hops == _model._stopAt) Sim.Stop();
        }
    }
}
