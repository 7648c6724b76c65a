using MeshSim.Stack.Async;

namespace MeshSim.Stack.Sockets;

/// <summary>Per-host TCP tunables. Defaults follow Linux where RFC 9293 leaves a choice.</summary>
public sealed record TcpConfig
{
    /// <summary>Send buffer bytes per connection.</summary>
    public int SendBufferBytes { get; init; } = 256 * 1024;
    /// <summary>Receive buffer bytes per connection (also decides the window-scale shift).</summary>
    public int ReceiveBufferBytes { get; init; } = 256 * 1024;
    /// <summary>RTO before any RTT sample (RFC 6298: 1 s).</summary>
    public long InitialRtoNs { get; init; } = SimTime.Second;
    /// <summary>Lower bound of the RTO. RFC 6298 says 1 s; Linux uses 200 ms, as here.</summary>
    public long MinRtoNs { get; init; } = 200 * SimTime.Millisecond;
    /// <summary>Upper bound of the RTO (RFC 6298 allows >= 60 s; Linux 120 s).</summary>
    public long MaxRtoNs { get; init; } = 60 * SimTime.Second;
    /// <summary>Retransmissions of one segment before the connection is aborted (Linux tcp_retries2 = 15).</summary>
    public int MaxRetransmissions { get; init; } = 15;
    /// <summary>SYN retransmissions before connect fails (Linux tcp_syn_retries = 6).</summary>
    public int MaxSynRetransmissions { get; init; } = 6;
    /// <summary>Maximum segment lifetime; TIME_WAIT lasts 2·MSL (Linux: 60 s total).</summary>
    public long MslNs { get; init; } = 30 * SimTime.Second;
    /// <summary>Delayed-ACK timeout (RFC 9293 requires &lt; 0.5 s; Linux's minimum is 40 ms).</summary>
    public long DelayedAckNs { get; init; } = 40 * SimTime.Millisecond;
    /// <summary>Initial congestion window in segments (RFC 6928: 10).</summary>
    public int InitialCwndSegments { get; init; } = 10;
    /// <summary>Offer and accept selective acknowledgements (RFC 2018) and recover from loss with the
    /// SACK scoreboard (RFC 6675). On by default, as Linux's net.ipv4.tcp_sack = 1.</summary>
    public bool Sack { get; init; } = true;
    /// <summary>Offer and accept timestamps (RFC 7323: TSval/TSecr on every segment, PAWS, RTT from
    /// TSecr). On by default, as Linux's net.ipv4.tcp_timestamps = 1.</summary>
    public bool Timestamps { get; init; } = true;
    /// <summary>First ephemeral port (Linux ip_local_port_range).</summary>
    public ushort EphemeralFirst { get; init; } = 32768;
    /// <summary>Last ephemeral port.</summary>
    public ushort EphemeralLast { get; init; } = 60999;
    /// <summary>How connect() picks its port within the range: in order (default) or as Linux does.</summary>
    public EphemeralPortChoice PortChoice { get; init; } = EphemeralPortChoice.Sequential;
}
