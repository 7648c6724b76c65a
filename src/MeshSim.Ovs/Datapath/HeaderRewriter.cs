using System.Buffers.Binary;
using MeshSim.Wire;

namespace MeshSim.Ovs.Datapath;

/// <summary>
/// In-place rewrites of IPv4/TCP/UDP header fields with RFC 1624 incremental checksum updates, as
/// OVS's packet_set_ipv4_addr / packet_set_tcp_port do: the IPv4 header checksum always, and the
/// TCP or UDP checksum when the field is covered by it (addresses through the pseudo-header). A UDP
/// checksum of 0 ("none") stays 0. Offsets come from <see cref="FlowKey"/>, which sets them only for
/// headers that passed their length checks, so no bounds are re-checked here beyond what the offsets promise.
/// </summary>
public static class HeaderRewriter
{
    private const int IpChecksum = 10, IpSrc = 12, IpDst = 16, IpTtl = 8, IpTos = 1;
    private const int TcpChecksum = 16, UdpChecksum = 6;
    private const byte Tcp = 6, Udp = 17, Sctp = 132;
    private const int SctpChecksum = 8, SctpHeader = 12;

    /// <summary>Sets the IPv4 source (<paramref name="source"/> true) or destination address.</summary>
    public static void SetIpv4Address(Span<byte> frame, in FlowKey key, bool source, uint value)
    {
        if (key.L3Offset == FlowKey.Absent) return;
        var at = key.L3Offset + (source ? IpSrc : IpDst);
        uint old = BinaryPrimitives.ReadUInt32BigEndian(frame[at..]);
        if (old == value) return;
        BinaryPrimitives.WriteUInt32BigEndian(frame[at..], value);
        AdjustIpChecksum(frame, key.L3Offset, old, value);
        AdjustL4Checksum(frame, in key, old, value);
    }

    /// <summary>Sets the TCP/UDP/SCTP source or destination port (no-op for other protocols).</summary>
    public static void SetPort(Span<byte> frame, in FlowKey key, bool source, ushort value)
    {
        if (key.L4Offset == FlowKey.Absent || (key.NwFrag & FragmentState.Later) != 0) return;
        if (key.NwProto == Sctp)
        {
            SetSctpPort(frame, in key, source, value);
            return;
        }
        if (key.NwProto is not (Tcp or Udp)) return;
        int at = key.L4Offset + (source ? 0 : 2);
        if (frame.Length < key.L4Offset + (key.NwProto == Tcp ? 18 : 8)) return;
        ushort old = BinaryPrimitives.ReadUInt16BigEndian(frame[at..]);
        if (old == value) return;
        BinaryPrimitives.WriteUInt16BigEndian(frame[at..], value);
        AdjustL4Checksum(frame, in key, old, value);
    }

    /// <summary>
    /// OVS's packet_set_sctp_port: SCTP's CRC32c covers the whole SCTP packet (no pseudo-header), so it is
    /// recomputed, keeping whatever error the old checksum had: new = old ^ crc(before) ^ crc(after), the CRCs
    /// taken with the checksum field zeroed, over the L4 bytes the IPv4 total length covers.
    /// </summary>
    private static void SetSctpPort(Span<byte> frame, in FlowKey key, bool source, ushort value)
    {
        if (key.L3Offset == FlowKey.Absent || frame.Length < key.L4Offset + SctpHeader) return;
        int ipEnd = key.L3Offset + BinaryPrimitives.ReadUInt16BigEndian(frame[(key.L3Offset + 2)..]);
        var sctp = frame[key.L4Offset..Math.Clamp(ipEnd, key.L4Offset + SctpHeader, frame.Length)];
        int at = source ? 0 : 2;
        if (BinaryPrimitives.ReadUInt16BigEndian(sctp[at..]) == value) return;
        uint oldSum = BinaryPrimitives.ReadUInt32LittleEndian(sctp[SctpChecksum..]);
        BinaryPrimitives.WriteUInt32LittleEndian(sctp[SctpChecksum..], 0);
        uint before = Crc32C(sctp);
        BinaryPrimitives.WriteUInt16BigEndian(sctp[at..], value);
        uint after = Crc32C(sctp);
        BinaryPrimitives.WriteUInt32LittleEndian(sctp[SctpChecksum..], oldSum ^ before ^ after);
    }

    /// <summary>OVS's crc32c(): CRC-32C (Castagnoli), as stored in an SCTP header read little-endian.</summary>
    internal static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xffffffff;
        foreach (var b in data) crc = System.Numerics.BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    /// <summary>Sets the IPv4 TTL.</summary>
    public static void SetTtl(Span<byte> frame, in FlowKey key, byte ttl)
    {
        if (key.L3Offset == FlowKey.Absent) return;
        int at = key.L3Offset + IpTtl;                 // TTL is the high byte of the TTL/protocol word
        ushort oldWord = BinaryPrimitives.ReadUInt16BigEndian(frame[at..]);
        ushort newWord = (ushort)((ttl << 8) | (oldWord & 0xFF));
        frame[at] = ttl;
        var c = key.L3Offset + IpChecksum;
        BinaryPrimitives.WriteUInt16BigEndian(frame[c..], Checksum.Adjust(BinaryPrimitives.ReadUInt16BigEndian(frame[c..]), oldWord, newWord));
    }

    /// <summary>Sets the IPv4 TOS byte (DSCP and ECN).</summary>
    public static void SetTos(Span<byte> frame, in FlowKey key, byte tos)
    {
        if (key.L3Offset == FlowKey.Absent) return;
        int at = key.L3Offset;                         // TOS is the low byte of the version/IHL word
        ushort oldWord = BinaryPrimitives.ReadUInt16BigEndian(frame[at..]);
        ushort newWord = (ushort)((oldWord & 0xFF00) | tos);
        frame[at + IpTos] = tos;
        var c = key.L3Offset + IpChecksum;
        BinaryPrimitives.WriteUInt16BigEndian(frame[c..], Checksum.Adjust(BinaryPrimitives.ReadUInt16BigEndian(frame[c..]), oldWord, newWord));
    }

    private static void AdjustIpChecksum(Span<byte> frame, int l3, uint old, uint value)
    {
        var c = l3 + IpChecksum;
        BinaryPrimitives.WriteUInt16BigEndian(frame[c..], Checksum.Adjust(BinaryPrimitives.ReadUInt16BigEndian(frame[c..]), old, value));
    }

    private static void AdjustL4Checksum(Span<byte> frame, in FlowKey key, uint old, uint value)
    {
        if (key.L4Offset == FlowKey.Absent || (key.NwFrag & FragmentState.Later) != 0) return;
        if (key.NwProto == Tcp && frame.Length >= key.L4Offset + TcpChecksum + 2)
        {
            var c = key.L4Offset + TcpChecksum;
            BinaryPrimitives.WriteUInt16BigEndian(frame[c..], Checksum.Adjust(BinaryPrimitives.ReadUInt16BigEndian(frame[c..]), old, value));
        }
        else if (key.NwProto == Udp && frame.Length >= key.L4Offset + UdpChecksum + 2)
        {
            var c = key.L4Offset + UdpChecksum;
            BinaryPrimitives.WriteUInt16BigEndian(frame[c..], Checksum.AdjustUdp(BinaryPrimitives.ReadUInt16BigEndian(frame[c..]), old, value));
        }
    }

    private static void AdjustL4Checksum(Span<byte> frame, in FlowKey key, ushort old, ushort value)
    {
        if (key.NwProto == Tcp)
        {
            var c = key.L4Offset + TcpChecksum;
            BinaryPrimitives.WriteUInt16BigEndian(frame[c..], Checksum.Adjust(BinaryPrimitives.ReadUInt16BigEndian(frame[c..]), old, value));
        }
        else if (key.NwProto == Udp)
        {
            var c = key.L4Offset + UdpChecksum;
            BinaryPrimitives.WriteUInt16BigEndian(frame[c..], Checksum.AdjustUdp(BinaryPrimitives.ReadUInt16BigEndian(frame[c..]), old, value));
        }
    }
}
