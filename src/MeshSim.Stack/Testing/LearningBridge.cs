using MeshSim.Engine;
using MeshSim.Wire;

namespace MeshSim.Stack.Testing;

/// <summary>
/// A plain IEEE 802.1D learning bridge (no STP, no VLANs, no ageing): learns source MACs per port,
/// forwards known unicast out of one port and floods the rest. Stands in for a switch in tests and
/// benchmarks until a pipeline switch is used; the frame is forwarded as-is, without copying.
/// </summary>
public sealed class LearningBridge : Node
{
    private readonly Dictionary<MacAddress, Port> _table = new();

    /// <summary>Creates a bridge with <paramref name="ports"/> ports numbered 1..n.</summary>
    public LearningBridge(Network network, string name, int ports) : base(network, name)
    {
        for (uint i = 1; i <= ports; i++) AddPort(i);
    }

    /// <summary>Frames forwarded to a learned port.</summary>
    public long Forwarded { get; private set; }
    /// <summary>Frames flooded.</summary>
    public long Flooded { get; private set; }

    /// <summary>The port a MAC was learned on, if any.</summary>
    public Port? PortOf(MacAddress mac) => _table.GetValueOrDefault(mac);

    /// <inheritdoc/>
    protected override void Receive(Port port, Frame frame)
    {
        if (!EthernetView.TryCreate(frame.Data, out var eth, out var error))
        {
            Network.NotifyDropped(port, frame.Data, DropReason.Malformed, $"{Name}: {error}");
            frame.Release();
            return;
        }
        var src = eth.Source;
        var dst = eth.Destination;
        if (!src.IsMulticast) _table[src] = port;
        if (!dst.IsMulticast && _table.TryGetValue(dst, out var outPort))
        {
            if (ReferenceEquals(outPort, port)) { frame.Release(); return; }   // never back out of the input port
            Forwarded++;
            outPort.Send(frame);
            return;
        }
        Flooded++;
        Port? last = null;
        foreach (var p in Ports)
        {
            if (ReferenceEquals(p, port) || p.Link is null) continue;
            if (last is not null) last.Send(frame.Clone());
            last = p;
        }
        if (last is not null) last.Send(frame); else frame.Release();
    }
}
