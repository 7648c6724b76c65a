namespace MeshSim.Ovs.Conntrack;

/// <summary>NAT applied to a connection (lib/conntrack.h NAT_ACTION_*). Not to be confused with the
/// flow syntax's NatAction, which is a nat(...) written inside ct(exec(...)).</summary>
[Flags]
public enum NatMode : byte
{
    None = 0,
    Src = 1,
    Dst = 2,
    SrcPort = 4,
    DstPort = 8,
}

/// <summary>State of a UDP/other or ICMP connection (conntrack-other.c, conntrack-icmp.c).</summary>
internal enum SimpleConnState : byte { First, Multiple, Bidir }

/// <summary>
/// One tracked connection. It is reachable under two keys: <see cref="Key"/> (the original
/// direction, as the first packet had it) and <see cref="RevKey"/> (what a reply looks like; with NAT,
/// already rewritten to the translated addresses/ports, so a reply to the translated address is found).
/// </summary>
public sealed partial class Connection
{
    internal Connection(in ConnKey key, long createdNs)
    {
        Key = key;
        RevKey = key.Reverse();
        CreatedNs = createdNs;
    }

    /// <summary>The original-direction tuple.</summary>
    public ConnKey Key { get; }

    /// <summary>The reply-direction tuple (NAT applied).</summary>
    public ConnKey RevKey { get; internal set; }

    /// <summary>The NAT this connection applies in the original direction.</summary>
    public NatMode Nat { get; internal set; }

    /// <summary>ct_mark.</summary>
    public uint Mark { get; internal set; }

    /// <summary>ct_label.</summary>
    public UInt128 Label { get; internal set; }

    /// <summary>When the connection was committed (virtual ns).</summary>
    public long CreatedNs { get; }

    /// <summary>Virtual time at which it expires.</summary>
    public long ExpiresNs { get; internal set; }

    /// <summary>The timeout state it is in (names the timeout that set <see cref="ExpiresNs"/>).</summary>
    public CtTimeout TimeoutState { get; internal set; }

    /// <summary>Packets and bytes seen in the original [0] and reply [1] direction.</summary>
    public readonly long[] Packets = new long[2], Bytes = new long[2];

    internal TcpTracker? Tcp;
    internal SimpleConnState Simple;

    /// <summary>TCP states of the originator and responder, or null for other protocols.</summary>
    public (TcpPeerState Original, TcpPeerState Reply)? TcpStates =>
        Tcp is null ? null : (Tcp.Peers[0].State, Tcp.Peers[1].State);

    /// <summary>True when <paramref name="nowNs"/> is at or past expiry. An expired connection is
    /// invisible to lookups but stays in the table, its NAT reply tuple still taken, until
    /// <see cref="IsRemoved"/>.</summary>
    public bool IsExpired(long nowNs) => nowNs >= ExpiresNs;

    /// <summary>True once the cleaner (or a flush) has taken the connection out of the table.</summary>
    public bool IsRemoved { get; internal set; }

    // Table links (ConnTracker.Table.cs): the next connection under the same original tuple, under
    // the same reply tuple, and the neighbours in the cleaner's expiration list.
    internal Connection? NextOrig, NextRev, ExpPrev, ExpNext;
    internal int ExpList;

    internal Connection? NextUnder(in ConnKey key) => Key.Equals(key) ? NextOrig : NextRev;

    /// <summary>The TCP state as <c>dpctl/dump-conntrack</c> prints it (null for other protocols).</summary>
    public string? DumpState => Tcp is null ? null : TcpStateName(Tcp.Peers[0].State, Tcp.Peers[1].State);

    /// <summary>One line in the style of <c>ovs-appctl dpctl/dump-conntrack</c>.</summary>
    public override string ToString()
    {
        string proto = Key.Proto switch { 6 => "tcp", 17 => "udp", 1 => "icmp", _ => $"proto={Key.Proto}" };
        var s = $"{proto},orig=({Key.FormatTuple()}),reply=({RevKey.FormatTuple()})";
        if (Key.Zone != 0) s += $",zone={Key.Zone}";
        if (Mark != 0) s += $",mark={Mark}";
        if (Label != 0) s += $",labels=0x{Label:x}";
        if (DumpState is { } state) s += $",protoinfo=(state={state})";
        return s;
    }

    // dpctl prints one state for both peers: the more advanced one, with FIN_WAIT_2 shown as
    // TIME_WAIT and SYN_RECV as ESTABLISHED (ct-dpif.c's MAX and coalesce_tcp_state, there to
    // read like the kernel's single state).
    private static string TcpStateName(TcpPeerState a, TcpPeerState b)
    {
        var s = a > b ? a : b;
        return s switch
        {
            TcpPeerState.Closed => "CLOSED", TcpPeerState.Listen => "LISTEN", TcpPeerState.SynSent => "SYN_SENT",
            TcpPeerState.SynRecv or TcpPeerState.Established => "ESTABLISHED", TcpPeerState.CloseWait => "CLOSE_WAIT",
            TcpPeerState.FinWait1 => "FIN_WAIT_1", TcpPeerState.Closing => "CLOSING", TcpPeerState.LastAck => "LAST_ACK",
            _ => "TIME_WAIT",
        };
    }
}
