namespace MeshSim.Ovs.Conntrack;

/// <summary>
/// The timeout states lib/conntrack-private.h names (CT_TM_*) and the default policy of OVS's
/// userspace datapath (lib/conntrack-tp.c, ct_dpif_netdev_tp_def), in virtual nanoseconds.
/// Note OVS's own mapping: the CLOSING state uses the "fin_wait" value (15 min) and FIN_WAIT uses
/// "time_wait" (45 s); OTHER_MULTIPLE uses udp_single (60 s) and OTHER_BIDIR udp_multiple (30 s).
/// </summary>
public enum CtTimeout : byte
{
    /// <summary>First TCP packet seen: syn_sent, 30 s.</summary>
    TcpFirstPacket,
    /// <summary>Handshake in progress: syn_recv, 30 s.</summary>
    TcpOpening,
    /// <summary>Established: 24 h.</summary>
    TcpEstablished,
    /// <summary>One side closing: fin_wait, 15 min.</summary>
    TcpClosing,
    /// <summary>Both sides closing: time_wait, 45 s.</summary>
    TcpFinWait,
    /// <summary>Both sides closed or reset: close, 30 s.</summary>
    TcpClosed,
    /// <summary>UDP/other, one packet: udp_first, 60 s.</summary>
    OtherFirst,
    /// <summary>UDP/other, several packets one way: udp_single, 60 s.</summary>
    OtherMultiple,
    /// <summary>UDP/other, both ways: udp_multiple, 30 s.</summary>
    OtherBidir,
    /// <summary>ICMP request seen: icmp_first, 60 s.</summary>
    IcmpFirst,
    /// <summary>ICMP reply seen: icmp_reply, 30 s.</summary>
    IcmpReply,
}

/// <summary>Timeout values per <see cref="CtTimeout"/>; <see cref="Default"/> is OVS 3.1's userspace policy.</summary>
public sealed class CtTimeoutPolicy
{
    private const long Second = 1_000_000_000L;
    private readonly long[] _ns;

    /// <summary>Creates a policy from seconds per state, in <see cref="CtTimeout"/> order.</summary>
    public CtTimeoutPolicy(params long[] seconds)
    {
        if (seconds.Length != Enum.GetValues<CtTimeout>().Length) throw new ArgumentException("one value per CtTimeout expected");
        _ns = seconds.Select(s => s * Second).ToArray();
    }

    /// <summary>OVS 3.1 netdev defaults: syn_sent 30, syn_recv 30, established 86400, fin_wait 900,
    /// time_wait 45, close 30, udp_first 60, udp_single 60, udp_multiple 30, icmp_first 60, icmp_reply 30.</summary>
    public static readonly CtTimeoutPolicy Default = new(30, 30, 24 * 60 * 60, 15 * 60, 45, 30, 60, 60, 30, 60, 30);

    /// <summary>The timeout of <paramref name="state"/> in nanoseconds.</summary>
    public long Nanoseconds(CtTimeout state) => _ns[(int)state];
}

/// <summary>
/// The schedule of OVS 3.1's conntrack clean thread (lib/conntrack.c, lib/conntrack-private.h): an
/// expired connection is only removed, and its NAT reply tuple only freed, when a pass reaches it.
/// </summary>
public static class CtCleaner
{
    /// <summary>conntrack_clean's next wake-up when a pass walked the whole table: 20 s.</summary>
    public const long IntervalNs = 20_000_000_000L;

    /// <summary>CT_CLEAN_MIN_INTERVAL_MS: the wait after a pass the budget stopped early, 200 ms.</summary>
    public const long MinIntervalNs = 200_000_000L;

    /// <summary>A pass stops after the list in which it walked more than n_conn_limit / 64 entries.</summary>
    public const int BudgetDivisor = 64;

    /// <summary>N_EXP_LISTS: connections are spread round-robin over 100 expiration lists.</summary>
    public const int ExpirationLists = 100;
}
