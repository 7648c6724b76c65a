using MeshSim.Engine;

namespace MeshSim.Ovs.Conntrack;

public sealed partial class ConnTracker
{
    /// <summary>
    /// An independent copy of the table (every connection with its NAT, marks, TCP window state and
    /// counters), for tracing a packet against the live state without touching it. NAT port choices
    /// in the copy draw from their own random stream, so the original's stay as they would have been.
    /// </summary>
    public ConnTracker Snapshot()
    {
        var copy = new ConnTracker(new SimRandom(0x5eed), Timeouts, MaxConnections)
        {
            Count = Count, CommitsDroppedFull = CommitsDroppedFull, NatExhausted = NatExhausted,
            InvalidPackets = InvalidPackets, Lookups = Lookups,
        };
        var copies = new Dictionary<Connection, Connection>(ReferenceEqualityComparer.Instance);
        foreach (var (key, conn) in _byKey)
        {
            if (!copies.TryGetValue(conn, out var c)) copies[conn] = c = new Connection(conn);
            copy._byKey[key] = c;
        }
        return copy;
    }
}

public sealed partial class Connection
{
    // Field by field: a new field of Connection must be copied here too (the snapshot tests compare dumps).
    internal Connection(Connection o) : this(o.Key, o.CreatedNs)
    {
        RevKey = o.RevKey;
        Nat = o.Nat;
        Mark = o.Mark;
        Label = o.Label;
        ExpiresNs = o.ExpiresNs;
        TimeoutState = o.TimeoutState;
        Tcp = o.Tcp is null ? null : new TcpTracker(o.Tcp);
        Simple = o.Simple;
        o.Packets.CopyTo(Packets, 0);
        o.Bytes.CopyTo(Bytes, 0);
    }
}

internal sealed partial class TcpTracker
{
    internal TcpTracker() { }

    internal TcpTracker(TcpTracker o) => o.Peers.CopyTo(Peers, 0);
}
