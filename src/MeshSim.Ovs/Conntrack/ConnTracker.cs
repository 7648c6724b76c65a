using System.Buffers.Binary;
using MeshSim.Engine;
using MeshSim.Ovs.Datapath;
using MeshSim.Wire;

namespace MeshSim.Ovs.Conntrack;

/// <summary>
/// The connection tracker of OVS's userspace datapath (lib/conntrack.c, OVS 3.1), on virtual time.
/// <list type="bullet">
/// <item>A packet's tuple is looked up in its zone; a committed connection answers under its
/// original key and its reply key (the reply key already NAT-rewritten).</item>
/// <item>Without commit nothing is created: the packet is +trk+new (or +inv when a new connection
/// may not start with it, e.g. a TCP SYN+ACK or an ICMP echo reply).</item>
/// <item>Per-protocol state: TCP with pf's sequence-window check (<see cref="TcpTracker"/>), UDP and
/// others first/multiple/bidirectional, ICMP first/reply, each refreshing its expiry from
/// <see cref="CtTimeoutPolicy"/>.</item>
/// <item>NAT: on commit the reply key is chosen so that it is unique (nat_get_unique_tuple): an
/// address from the range by hash, then the original/hashed port, then the next ports in range
/// (at most 128 tries, halving on retries from a random start). A tuple is taken while any
/// connection in the table holds it: a NATed connection's reply tuple stays taken after the
/// connection expires, until the cleaner removes it.</item>
/// <item>Expired is not removed: an expired connection is invisible to lookups but stays in the
/// table (and in <see cref="Count"/>) until the clean thread's schedule reaches it
/// (<see cref="RunCleaner"/>, <see cref="CtCleaner"/>). A SYN that reopens a closed connection
/// expires the old one and commits a new one beside it; a reply to an expired NATed connection
/// finds its reply tuple, misses the parent and is +inv.</item>
/// <item>The table is bounded (<see cref="MaxConnections"/>, OVS's default 3,000,000): a commit
/// into a full table creates nothing and is counted in <see cref="CommitsDroppedFull"/>.</item>
/// </list>
/// Where MeshSim differs: IPv4 only; fragments are +inv (no reassembly); no ALGs (FTP/TFTP); no
/// zone limits or timeout policies per zone; the cleaner's passes are exact in virtual time (the
/// real thread drifts by its own run time); a bare <c>nat</c> on the commit of a new connection
/// translates nothing.
/// </summary>
public sealed partial class ConnTracker
{
    private readonly SimRandom _random;

    /// <summary>Creates a tracker; <paramref name="random"/> drives NAT port retries (OVS uses random_uint32 there).
    /// <paramref name="createdNs"/> is when the datapath created it: its cleaner passes run then and every 20 s after.</summary>
    public ConnTracker(SimRandom random, CtTimeoutPolicy? timeouts = null, int maxConnections = 3_000_000, long createdNs = 0)
    {
        _random = random;
        Timeouts = timeouts ?? CtTimeoutPolicy.Default;
        MaxConnections = maxConnections;
        _nextCleanNs = createdNs;
    }

    /// <summary>The timeout policy in force.</summary>
    public CtTimeoutPolicy Timeouts { get; }

    /// <summary>The seed of OVS's NAT range hash (<c>ct-&gt;hash_basis</c>, random per real ovs-vswitchd):
    /// which address and port of a range a new NATed connection gets. 0 unless set, so a simulation
    /// is reproducible; set it to a real daemon's basis to make the same choices as that daemon.</summary>
    public uint NatHashBasis { get; set; }

    /// <summary>Table size limit (ovs-appctl dpctl/ct-set-maxconns).</summary>
    public int MaxConnections { get; set; }

    /// <summary>Connections currently in the table, expired ones included until the cleaner removes
    /// them (OVS's n_conn, <c>dpctl/ct-get-nconns</c>), as of the latest call given a time.</summary>
    public int Count { get; private set; }

    /// <summary>Commits refused because the table was full (OVS's conntrack_full coverage counter).</summary>
    public long CommitsDroppedFull { get; private set; }

    /// <summary>Commits refused because no unique NAT tuple was left ("tuple space exhaustion").</summary>
    public long NatExhausted { get; private set; }

    /// <summary>Packets that came out +inv.</summary>
    public long InvalidPackets { get; private set; }

    /// <summary>Tuple lookups done (for benchmarks and stats).</summary>
    public long Lookups { get; private set; }

    /// <summary>Runs one packet through conntrack, as the datapath's ct() action does. The frame may
    /// be rewritten (NAT) with incremental checksum updates; returns true when it was, so the caller
    /// re-reads its headers.</summary>
    public bool Execute(Span<byte> frame, in FlowKey flow, ref CtMetadata md, in CtRequest req, long nowNs)
    {
        if (nowNs >= _nextCleanNs) RunCleaner(nowNs);
        bool rewritten = false;
        var conn = md.Cached;
        if (md.State == (CtState.Invalid | CtState.Tracked) || md.State == CtState.Invalid)
        {
            WriteMetadata(ref md, req.Zone, null, null);
        }
        else if (conn is not null && conn.Key.Zone == req.Zone && !req.Force)
        {
            // process_one_fast: the previous ct() in this zone already found the connection.
            if (req.Nat is not null)
            {
                rewritten = HandleNat(frame, in flow, ref md, conn, req.Zone, md.CachedReply, md.CachedRelated);
                md.Cached = null;
            }
            md.Zone = req.Zone;
            md.Mark = conn.Mark;
            md.Label = conn.Label;
            ApplyMarkAndLabel(ref md, conn, in req);
        }
        else if (!ConnKeyExtractor.TryExtract(frame, in flow, req.Zone, out var key, out bool related))
        {
            md.State = CtState.Invalid;
            WriteMetadata(ref md, req.Zone, null, null);
        }
        else
        {
            rewritten = ProcessOne(frame, in flow, ref md, key, related, in req, nowNs);
        }
        if ((md.State & CtState.Invalid) != 0) InvalidPackets++;
        return rewritten;
    }

    /// <summary>The live connection a packet with this tuple belongs to, as the datapath would find it
    /// (expired connections are invisible; a NAT reply tuple of an expired one leads nowhere). For
    /// tests and traces.</summary>
    public Connection? Find(in ConnKey key, long nowNs, out bool reply)
    {
        if (nowNs >= _nextCleanNs) RunCleaner(nowNs);
        var c = LookupNode(in key, nowNs, out reply, out bool unNat);
        if (c is null || !unNat) return c;
        reply = true;
        return c.IsExpired(nowNs) ? null : c;
    }

    /// <summary>True when a tuple is taken for a new NAT reply tuple or commit: some connection still
    /// in the table answers to it, an expired NATed connection's reply tuple included.</summary>
    public bool IsTupleTaken(in ConnKey key, long nowNs)
    {
        if (nowNs >= _nextCleanNs) RunCleaner(nowNs);
        return IsTupleInUse(in key, nowNs);
    }

    /// <summary>All live connections, in a stable order (zone, then original tuple), as
    /// <c>dpctl/dump-conntrack</c> lists them (expired ones it skips).</summary>
    public IEnumerable<Connection> Connections(long nowNs)
    {
        RunCleaner(nowNs);
        return AllInTable().Where(c => !c.IsExpired(nowNs)).ToList()
            .OrderBy(c => c.Key.Zone).ThenBy(c => c.Key.Proto).ThenBy(c => c.Key.Src).ThenBy(c => c.Key.Dst)
            .ThenBy(c => c.Key.SrcPort).ThenBy(c => c.Key.DstPort);
    }

    /// <summary>Removes every connection, or those of one zone (dpctl/flush-conntrack).</summary>
    public void Flush(ushort? zone = null)
    {
        foreach (var c in AllInTable().Where(c => zone is null || c.Key.Zone == zone).ToList()) Remove(c);
    }

    private bool ProcessOne(Span<byte> frame, in FlowKey flow, ref CtMetadata md, ConnKey key, bool related, in CtRequest req, long nowNs)
    {
        bool rewritten = false;
        ushort zone = req.Zone;
        if (md.State != CtState.None && md.Zone != zone) md.State = CtState.None;   // new zone, fresh state

        // initial_conn_lookup: an already NATed packet is found by its reverse key. Found under a
        // NAT reply tuple, the node is OVS's nat_conn, whose own key is that reply tuple.
        bool natted = (md.State & (CtState.SrcNat | CtState.DstNat)) != 0;
        var lookupKey = natted ? key.Reverse() : key;
        var conn = LookupNode(in lookupKey, nowNs, out bool reply, out bool unNat);
        if (unNat) reply = false;
        if (natted && conn is not null)
        {
            reply = !reply;
            key = reply ^ unNat ? conn.RevKey : conn.Key;
        }

        if (req.Force && reply && conn is not null)
        {
            // force: a connection seen from the wrong direction is expired (a nat_conn never expires).
            if (!unNat) ForceExpire(conn);
            conn = null;
        }

        if (conn is not null && unNat)
        {
            // process_one: the nat_conn leads to its parent, looked up again with the packet's tuple.
            if (conn.IsExpired(nowNs) || !(key.Equals(conn.Key) || key.Equals(conn.RevKey)))
            {
                // "Missing parent conn": the reply tuple is still held, its connection is gone.
                md.State |= CtState.Invalid;
                WriteMetadata(ref md, zone, null, null);
                md.Cached = null;
                return false;
            }
            reply = !key.Equals(conn.Key);
        }

        bool createNew = false;
        if (conn is not null)
        {
            createNew = UpdateState(frame, in flow, ref md, conn, reply, related, nowNs);
            if (req.Nat is not null && !createNew) rewritten = HandleNat(frame, in flow, ref md, conn, zone, reply, related);
        }
        else if (CheckOrigTuple(in flow, ref md, key, req, nowNs, out var origConn))
        {
            conn = origConn;
            createNew = UpdateState(frame, in flow, ref md, conn!, reply, related, nowNs);
        }
        else if (related)
        {
            md.State = CtState.Invalid;   // an ICMP error never creates a connection
        }
        else createNew = true;

        if (createNew)
        {
            conn = null;
            if (!IsTupleInUse(in key, nowNs))
                (conn, rewritten) = NotFound(frame, in flow, ref md, key, related, in req, nowNs);
        }

        WriteMetadata(ref md, zone, conn, key);
        if (conn is not null)
        {
            ApplyMarkAndLabel(ref md, conn, in req);
            int dir = reply ? 1 : 0;
            conn.Packets[dir]++;
            conn.Bytes[dir] += frame.Length;
        }
        if (req.Nat is null)
        {
            md.Cached = conn;
            md.CachedReply = reply;
            md.CachedRelated = related;
        }
        else md.Cached = null;
        return rewritten;
    }

    // check_orig_tuple: a packet NATed by a ct() in another zone is found through its ct_orig tuple.
    private bool CheckOrigTuple(in FlowKey flow, ref CtMetadata md, ConnKey key, in CtRequest req, long nowNs, out Connection? conn)
    {
        conn = null;
        if ((md.State & (CtState.SrcNat | CtState.DstNat)) == 0 || !md.HasOrig || md.Orig.Proto == 0 || req.Nat is not null) return false;
        var o = md.Orig;
        var k = key.Proto == 1
            ? new ConnKey(o.Src, o.Dst, key.SrcPort, key.DstPort, o.SrcIcmpType, ConnKeyExtractor.TryReverseIcmpType(o.SrcIcmpType, out var r) ? r : (byte)0, o.Proto, md.Zone)
            : new ConnKey(o.Src, o.Dst, o.SrcPort, o.DstPort, 0, 0, o.Proto, md.Zone);
        conn = Find(in k, nowNs, out _);
        return conn is not null;
    }

    // conn_update_state: returns true when a new connection must replace this one.
    private bool UpdateState(ReadOnlySpan<byte> frame, in FlowKey flow, ref CtMetadata md, Connection conn, bool reply, bool related, long nowNs)
    {
        if (related)
        {
            md.State |= CtState.Related;
            if (reply) md.State |= CtState.Reply;
            return false;
        }
        CtUpdate res;
        CtTimeout? tm;
        if (conn.Tcp is { } tcp)
        {
            var seg = TcpSegment.Read(frame, in flow);
            (res, tm) = tcp.Update(in seg, reply, checkSequence: true);
        }
        else (res, tm) = UpdateSimple(conn, reply);
        if (tm is { } t) SetExpiry(conn, t, nowNs);

        switch (res)
        {
            case CtUpdate.Valid:
                md.State |= CtState.Established;
                md.State &= ~CtState.New;
                if (reply) md.State |= CtState.Reply;
                return false;
            case CtUpdate.Invalid:
                md.State = CtState.Invalid;
                return false;
            case CtUpdate.New:
                ForceExpire(conn);   // it stays in the table, its NAT reply tuple held, until the cleaner runs
                return true;
            default:
                md.State |= CtState.New;
                return false;
        }
    }

    private static (CtUpdate, CtTimeout?) UpdateSimple(Connection conn, bool reply)
    {
        if (conn.Key.Proto == 1)
        {
            var ret = CtUpdate.Valid;
            if (reply && conn.Simple == SimpleConnState.First) conn.Simple = SimpleConnState.Multiple;   // ICMPS_REPLY
            else if (conn.Simple == SimpleConnState.First) ret = CtUpdate.ValidNew;
            return (ret, conn.Simple == SimpleConnState.First ? CtTimeout.IcmpFirst : CtTimeout.IcmpReply);
        }
        if (reply && conn.Simple != SimpleConnState.Bidir) conn.Simple = SimpleConnState.Bidir;
        else if (conn.Simple == SimpleConnState.First) conn.Simple = SimpleConnState.Multiple;
        var timeout = conn.Simple switch
        {
            SimpleConnState.First => CtTimeout.OtherFirst,
            SimpleConnState.Multiple => CtTimeout.OtherMultiple,
            _ => CtTimeout.OtherBidir,
        };
        return (conn.Simple == SimpleConnState.Bidir ? CtUpdate.Valid : CtUpdate.ValidNew, timeout);
    }

    // conn_not_found
    private (Connection? Conn, bool Rewritten) NotFound(Span<byte> frame, in FlowKey flow, ref CtMetadata md, ConnKey key, bool related, in CtRequest req, long nowNs)
    {
        TcpSegment seg = default;
        bool valid = key.Proto switch
        {
            6 => TcpTracker.ValidNew((seg = TcpSegment.Read(frame, in flow)).Flags),
            1 => key.SrcIcmpType is 8 or 13 or 15,      // echo, timestamp, info request
            _ => true,
        };
        if (!valid)
        {
            md.State = CtState.Invalid;
            return (null, false);
        }
        md.State = CtState.New;
        if (!req.Commit) return (null, false);

        if (Count >= MaxConnections)
        {
            CommitsDroppedFull++;   // conntrack_full: expired entries count until the cleaner removes them
            return (null, false);
        }

        var conn = new Connection(in key, nowNs);
        if (key.Proto == 6)
        {
            var (tracker, tm) = TcpTracker.New(in seg);
            conn.Tcp = tracker;
            SetExpiry(conn, tm, nowNs);
        }
        else SetExpiry(conn, key.Proto == 1 ? CtTimeout.IcmpFirst : CtTimeout.OtherFirst, nowNs);

        bool rewritten = false;
        if (req.Nat is { } nat && nat.Action != NatMode.None)
        {
            conn.Nat = nat.Action;
            if (!NatTupleSelector.TryFind(this, conn, in nat, nowNs, _random, out var revKey))
            {
                NatExhausted++;
                return (null, false);
            }
            conn.RevKey = revKey;
            rewritten = NatRewriter.Apply(frame, in flow, ref md, conn, reply: false, related);
        }
        Insert(conn);
        return (conn, rewritten);
    }

    private bool HandleNat(Span<byte> frame, in FlowKey flow, ref CtMetadata md, Connection conn, ushort zone, bool reply, bool related)
    {
        bool alreadyNatted = (md.State & (CtState.SrcNat | CtState.DstNat)) != 0;
        if (conn.Nat == NatMode.None || (alreadyNatted && zone == md.Zone)) return false;
        md.State &= ~(CtState.SrcNat | CtState.DstNat);
        return NatRewriter.Apply(frame, in flow, ref md, conn, reply, related);
    }

    // write_ct_md
    private static void WriteMetadata(ref CtMetadata md, ushort zone, Connection? conn, ConnKey? key)
    {
        md.State |= CtState.Tracked;
        md.Zone = zone;
        md.Mark = conn?.Mark ?? 0;
        md.Label = conn?.Label ?? 0;
        var orig = conn?.Key ?? key;
        md.HasOrig = orig is not null;
        md.Orig = orig ?? default;
    }

    private static void ApplyMarkAndLabel(ref CtMetadata md, Connection conn, in CtRequest req)
    {
        if (req.SetMark is { } m)
        {
            conn.Mark = m.Value | (conn.Mark & ~m.Mask);
            md.Mark = conn.Mark;
        }
        if (req.SetLabel is { } l)
        {
            conn.Label = l.Value | (conn.Label & ~l.Mask);
            md.Label = conn.Label;
        }
    }

    private void SetExpiry(Connection conn, CtTimeout tm, long nowNs)
    {
        conn.TimeoutState = tm;
        conn.ExpiresNs = nowNs + Timeouts.Nanoseconds(tm);
    }
}
