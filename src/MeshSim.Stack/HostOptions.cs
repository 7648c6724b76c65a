using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;

namespace MeshSim.Stack;

/// <summary>Knobs of a simulated host. Defaults follow a stock Linux host.</summary>
public sealed record HostOptions
{
    /// <summary>TCP tunables.</summary>
    public TcpConfig Tcp { get; init; } = new();
    /// <summary>CPU cores that serve application work (see <see cref="Cpu.CpuModel"/>).</summary>
    public int Cores { get; init; } = 2;
    /// <summary>Lifetime of a learned ARP entry (Linux base_reachable_time: 30 s).</summary>
    public long ArpReachableNs { get; init; } = 30 * SimTime.Second;
    /// <summary>Interval between ARP requests for an unresolved address (Linux retrans_time: 1 s).</summary>
    public long ArpRetryNs { get; init; } = SimTime.Second;
    /// <summary>ARP requests before giving up and dropping the parked frames (Linux mcast_solicit: 3).</summary>
    public int ArpAttempts { get; init; } = 3;
    /// <summary>Frames parked per unresolved address; more are dropped (Linux unres_qlen is bytes; here frames).</summary>
    public int ArpQueueFrames { get; init; } = 64;
    /// <summary>TTL of packets this host originates.</summary>
    public byte DefaultTtl { get; init; } = 64;
    /// <summary>Datagrams a UDP socket holds before dropping new ones.</summary>
    public int UdpQueueDatagrams { get; init; } = 256;
}
