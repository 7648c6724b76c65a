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
            CleanerPasses = CleanerPasses, CleanedConnections = CleanedConnections,
            _nextCleanNs = _nextCleanNs, _nextSweepList = _nextSweepList, _nextExpList = _nextExpList,
        };
        var copies = new Dictionary<Connection, Connection>(ReferenceEqualityComparer.Instance);
        Connection Copy(Connection c) => copies.TryGetValue(c, out var x) ? x : copies[c] = new Connection(c);
        // Same lists and chains, in the same order, so the copy's cleaner and lookups behave alike.
        for (int i = 0; i < _expLists.Length; i++)
        {
            Connection? prev = null;
            for (var c = _expLists[i]; c is not null; c = c.ExpNext)
            {
                var n = Copy(c);
                n.ExpList = i;
                n.ExpPrev = prev;
                if (prev is null) copy._expLists[i] = n; else prev.ExpNext = n;
                prev = n;
            }
        }
        foreach (var (key, head) in _chains)
        {
            copy._chains[key] = Copy(head);
            for (var c = head; c is not null; c = c.NextUnder(in key))
            {
                var next = c.NextUnder(in key);
                var n = Copy(c);
                if (c.Key.Equals(key)) n.NextOrig = next is null ? null : Copy(next);
                else n.NextRev = next is null ? null : Copy(next);
            }
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
        IsRemoved = o.IsRemoved;
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
