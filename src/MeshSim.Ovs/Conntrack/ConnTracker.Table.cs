namespace MeshSim.Ovs.Conntrack;

// The table itself: OVS's cmap of connections plus the clean thread's expiration lists.
//
// OVS keeps an entry in the table after it expires: lookups skip it (conn_key_lookup checks
// conn_expired), but it is freed only when the cleaner reaches it (ct_sweep -> conn_clean). Until
// then it still counts in n_conn and, when NATed, its reply tuple stays taken: the reply tuple is a
// node of its own (nat_conn, CT_CONN_TYPE_UN_NAT) for which conn_expired is always false. So a
// NAT reply tuple is held from commit until the cleaner removes the connection, however early the
// connection itself expired; that is what a port-reusing client runs into (docs/churn.md).
//
// Here every tuple maps to a chain of the connections reachable under it, newest first. Several
// connections may share an original tuple: a SYN that reopens a closed one expires it and commits a
// new one beside it (conn_update_state, CT_UPDATE_NEW). Chains are short and walking them allocates
// nothing, which keeps the per-packet path allocation-free.
public sealed partial class ConnTracker
{
    private readonly Dictionary<ConnKey, Connection> _chains = new();
    private readonly Connection?[] _expLists = new Connection?[CtCleaner.ExpirationLists];
    private int _nextExpList;

    /// <summary>conn_key_lookup: the first node under <paramref name="key"/> that lookups see. An original
    /// node, or the reply node of a connection without NAT (the same cmap node in OVS), is seen while
    /// its connection has not expired; the reply node of a NATed connection (<paramref name="unNat"/>)
    /// is seen until the connection is removed. <paramref name="reply"/> tells which tuple matched.</summary>
    private Connection? LookupNode(in ConnKey key, long nowNs, out bool reply, out bool unNat)
    {
        Lookups++;
        for (var c = Head(in key); c is not null; c = c.NextUnder(in key))
        {
            bool viaRev = !c.Key.Equals(key);
            if (viaRev && c.Nat != NatMode.None)
            {
                reply = true;
                unNat = true;
                return c;
            }
            if (c.IsExpired(nowNs)) continue;
            reply = viaRev;
            unNat = false;
            return c;
        }
        reply = unNat = false;
        return null;
    }

    /// <summary>conn_lookup as nat_get_unique_tuple and the commit path use it: is any node under
    /// <paramref name="key"/> visible, an expired NATed connection's reply tuple included?</summary>
    internal bool IsTupleInUse(in ConnKey key, long nowNs) => LookupNode(in key, nowNs, out _, out _) is not null;

    private Connection? Head(in ConnKey key) => _chains.TryGetValue(key, out var c) ? c : null;

    private void Insert(Connection conn)
    {
        Link(conn.Key, conn);
        if (!conn.RevKey.Equals(conn.Key)) Link(conn.RevKey, conn);
        // conn_expire_push_front: the lists are filled round-robin, newest at the front.
        int list = _nextExpList;
        _nextExpList = (_nextExpList + 1) % CtCleaner.ExpirationLists;
        conn.ExpList = list;
        conn.ExpNext = _expLists[list];
        if (conn.ExpNext is { } next) next.ExpPrev = conn;
        _expLists[list] = conn;
        Count++;
    }

    private void Link(in ConnKey key, Connection conn)
    {
        var head = Head(in key);
        if (conn.Key.Equals(key)) conn.NextOrig = head; else conn.NextRev = head;
        _chains[key] = conn;
    }

    /// <summary>conn_force_expire: the connection stays in the table, invisible to lookups, until the cleaner removes it.</summary>
    private static void ForceExpire(Connection conn) => conn.ExpiresNs = 0;

    /// <summary>conn_clean: removes the connection and its reply node from the table.</summary>
    private void Remove(Connection conn)
    {
        if (conn.IsRemoved) return;
        Unlink(conn.Key, conn);
        if (!conn.RevKey.Equals(conn.Key)) Unlink(conn.RevKey, conn);
        if (conn.ExpPrev is { } prev) prev.ExpNext = conn.ExpNext; else _expLists[conn.ExpList] = conn.ExpNext;
        if (conn.ExpNext is { } next) next.ExpPrev = conn.ExpPrev;
        conn.ExpPrev = conn.ExpNext = null;
        conn.IsRemoved = true;
        conn.ExpiresNs = long.MinValue;
        Count--;
    }

    private void Unlink(in ConnKey key, Connection conn)
    {
        Connection? prev = null;
        for (var c = Head(in key); c is not null; prev = c, c = c.NextUnder(in key))
        {
            if (!ReferenceEquals(c, conn)) continue;
            var next = c.NextUnder(in key);
            if (prev is null)
            {
                if (next is null) _chains.Remove(key); else _chains[key] = next;
            }
            else if (prev.Key.Equals(key)) prev.NextOrig = next;
            else prev.NextRev = next;
            return;
        }
    }

    /// <summary>Every connection in the table, expired or not, list by list (front to back).</summary>
    private IEnumerable<Connection> AllInTable()
    {
        foreach (var head in _expLists)
            for (var c = head; c is not null; c = c.ExpNext)
                yield return c;
    }
}
