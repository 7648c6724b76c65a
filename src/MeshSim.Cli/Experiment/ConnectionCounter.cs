using System.Buffers.Binary;
using MeshSim.Engine;
using MeshSim.Stack;

namespace MeshSim.Cli.Experiment;

/// <summary>
/// Counts TCP connections from the wire: every distinct initial SYN a host puts on a link (the
/// same check one makes on a pcap with <c>tcp.flags == 0x002</c>), split into loopback legs (the
/// app-to-proxy connections, on 127/8) and network legs. Retransmitted SYNs are counted once.
/// </summary>
public sealed class ConnectionCounter : IFrameObserver
{
    private readonly HashSet<(uint Src, ushort SrcPort, uint Dst, ushort DstPort, uint Seq)> _seen = new();

    /// <summary>Connections opened over loopback.</summary>
    public long Loopback { get; private set; }
    /// <summary>Connections opened across the network.</summary>
    public long Network { get; private set; }
    /// <summary>All connections.</summary>
    public long Total => Loopback + Network;

    /// <inheritdoc/>
    public void OnSent(long timeNs, Port port, ReadOnlySpan<byte> frame)
    {
        if (port.Owner is not Host || frame.Length < 14 + 20 + 20) return;
        if (BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != 0x0800) return;
        var ip = frame[14..];
        int ihl = (ip[0] & 0x0f) * 4;
        if (ip[9] != 6 || ihl < 20 || ip.Length < ihl + 20) return;
        var tcp = ip[ihl..];
        if ((tcp[13] & 0x12) != 0x02) return;   // SYN without ACK: a connection attempt
        uint src = BinaryPrimitives.ReadUInt32BigEndian(ip[12..]), dst = BinaryPrimitives.ReadUInt32BigEndian(ip[16..]);
        var key = (src, BinaryPrimitives.ReadUInt16BigEndian(tcp), dst, BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]), BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]));
        if (!_seen.Add(key)) return;
        if (dst >> 24 == 127) Loopback++; else Network++;
    }

    /// <inheritdoc/>
    public void OnReceived(long timeNs, Port port, ReadOnlySpan<byte> frame) { }

    /// <inheritdoc/>
    public void OnDropped(long timeNs, Port? port, ReadOnlySpan<byte> frame, DropReason reason, string? detail) { }
}
