using MeshSim.Engine;

namespace MeshSim.Stack.Tests.Sockets;

/// <summary>A two-port node that loses, duplicates and delays frames by random amounts, so frames
/// overtake each other: the reordering a plain link never does.</summary>
internal sealed class ChaosRelay : Node
{
    private readonly SimRandom _rng;
    private readonly double _loss, _dup;
    private readonly long _maxExtraDelayNs;

    public ChaosRelay(Network net, string name, double loss, double duplicate, long maxExtraDelayNs) : base(net, name)
    {
        AddPort(1); AddPort(2);
        _rng = net.Sim.Random($"chaos/{name}");
        _loss = loss; _dup = duplicate; _maxExtraDelayNs = maxExtraDelayNs;
    }

    public long Lost, Duplicated;

    protected override void Receive(Port port, Frame frame)
    {
        var outPort = Ports[ReferenceEquals(port, Ports[0]) ? 1 : 0];
        if (_rng.NextDouble() < _loss) { Lost++; frame.Release(); return; }
        if (_rng.NextDouble() < _dup) { Duplicated++; Forward(outPort, frame.Clone()); }
        Forward(outPort, frame);
    }

    private void Forward(Port outPort, Frame frame)
    {
        long delay = (long)_rng.NextUInt64((ulong)_maxExtraDelayNs + 1);
        Sim.Schedule(delay, () => outPort.Send(frame));
    }
}
