namespace MeshSim.Ovs.Datapath;

/// <summary>What kind of bridge port this is (Interface type in OVSDB terms).</summary>
public enum BridgePortKind : byte
{
    /// <summary>A port wired to a link (or a test sink).</summary>
    System,
    /// <summary>One end of a patch pair to another bridge (options:peer).</summary>
    Patch,
    /// <summary>A VXLAN tunnel port (options:remote_ip, options:key).</summary>
    Vxlan,
}

/// <summary>
/// An OpenFlow port of a bridge: a number, a name, liveness (for fast-failover groups) and
/// counters as ovs-ofctl dump-ports shows them. Transmission is a delegate so that the same
/// bridge runs inside the simulator (engine ports), in traces (recorded) and in benchmarks.
/// </summary>
public sealed class BridgePort
{
    private readonly Func<bool> _isLive;
    private readonly Action<ReadOnlySpan<byte>> _transmit;

    /// <summary>Creates a port.</summary>
    public BridgePort(uint number, string name, BridgePortKind kind, Action<ReadOnlySpan<byte>> transmit, Func<bool>? isLive = null)
    {
        Number = number;
        Name = name;
        Kind = kind;
        _transmit = transmit;
        _isLive = isLive ?? (() => true);
    }

    /// <summary>OpenFlow port number.</summary>
    public uint Number { get; }

    /// <summary>Interface name.</summary>
    public string Name { get; }

    /// <summary>Port kind.</summary>
    public BridgePortKind Kind { get; }

    /// <summary>For a patch port: the bridge and port on the other side.</summary>
    public (OpenFlowBridge Bridge, uint Port)? Peer { get; init; }

    /// <summary>OFPPC_NO_FLOOD: excluded from FLOOD and NORMAL flooding.</summary>
    public bool NoFlood { get; set; }

    /// <summary>True when the port can carry traffic (OpenFlow "live").</summary>
    public bool IsLive => _isLive();

    /// <summary>Counters (ovs-ofctl dump-ports).</summary>
    public long RxPackets, RxBytes, TxPackets, TxBytes, TxDropped;

    /// <summary>Sends a frame out of this port and counts it.</summary>
    public void Transmit(ReadOnlySpan<byte> frame)
    {
        TxPackets++;
        TxBytes += frame.Length;
        _transmit(frame);
    }
}
