namespace MeshSim.Stack;

/// <summary>Why a host dropped or refused traffic, counted (netstat -s style). Each drop is also
/// reported to the network's observers with <see cref="MeshSim.Engine.DropReason.Host"/> and a detail text.</summary>
public sealed class HostCounters
{
    /// <summary>Frames that failed to parse (Ethernet, ARP, IPv4, L4 headers or options).</summary>
    public long Malformed;
    /// <summary>IPv4 or L4 checksums that did not verify.</summary>
    public long BadChecksum;
    /// <summary>Frames for another MAC, packets for another IP.</summary>
    public long NotForUs;
    /// <summary>IPv4 fragments (MeshSim hosts never reassemble).</summary>
    public long Fragments;
    /// <summary>Packets that arrived with TTL 0.</summary>
    public long TtlExpired;
    /// <summary>IP protocols with no handler (no ICMP protocol-unreachable is sent).</summary>
    public long UnknownProtocol;
    /// <summary>Outgoing packets without a route.</summary>
    public long NoRoute;
    /// <summary>Frames dropped after ARP gave up, or because the ARP queue was full.</summary>
    public long ArpFailed;
    /// <summary>TCP segments answered with RST because no socket matched.</summary>
    public long TcpResetsSent;
    /// <summary>SYNs and SYN-ACKs sent again after a timeout (nstat's TcpExtTCPSynRetrans).</summary>
    public long TcpSynRetransmits;
    /// <summary>TCP segments received with RST , whatever socket they reached.</summary>
    public long TcpInRsts;
    /// <summary>TCP segments sent with RST, by sockets or for closed ports (nstat's TcpOutRsts).</summary>
    public long TcpOutRsts;
    /// <summary>SYNs that took over a 4-tuple still in TIME_WAIT (Linux's TCP_TW_SYN).</summary>
    public long TimeWaitRecycled;
    /// <summary>UDP datagrams answered with ICMP port unreachable.</summary>
    public long UdpPortUnreachable;
    /// <summary>UDP datagrams dropped because the socket queue was full.</summary>
    public long UdpQueueFull;
    /// <summary>ICMP echo requests answered.</summary>
    public long EchoReplies;
}
