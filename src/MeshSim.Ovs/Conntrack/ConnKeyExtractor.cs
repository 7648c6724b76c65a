using System.Buffers.Binary;
using MeshSim.Wire;

namespace MeshSim.Ovs.Conntrack;

/// <summary>
/// conn_key_extract: the tuple of a packet for conntrack, with OVS's validity checks (IPv4 header
/// checksum, no fragments, TCP/UDP/ICMP length and checksum, non-zero ports, ICMP types with a
/// tuple). An ICMP error (unreachable, time exceeded, parameter problem, source quench, redirect)
/// yields the reversed tuple of the packet it quotes and <c>related = true</c>. Never throws.
/// </summary>
internal static class ConnKeyExtractor
{
    private const byte Icmp = 1, Tcp = 6, Udp = 17;

    public static bool TryExtract(ReadOnlySpan<byte> frame, in FlowKey flow, ushort zone, out ConnKey key, out bool related)
    {
        key = default;
        related = false;
        if (flow.EthType != 0x0800 || flow.L3Offset == FlowKey.Absent || flow.L3Offset >= frame.Length) return false;
        var ip = frame[flow.L3Offset..];
        if (!TryIpv4(ip, validateChecksum: true, out uint src, out uint dst, out byte proto, out var l4)) return false;

        if (proto == Tcp)
        {
            if (l4.Length < 20) return false;
            int hl = (l4[12] >> 4) * 4;
            if (hl < 20 || hl > l4.Length) return false;
            if (!Checksum.IsValid(l4, Checksum.PseudoHeaderSum(new Ipv4Address(src), new Ipv4Address(dst), proto, l4.Length))) return false;
            return Ports(l4, src, dst, proto, zone, out key);
        }
        if (proto == Udp)
        {
            if (l4.Length < 8) return false;
            int ul = BinaryPrimitives.ReadUInt16BigEndian(l4[4..]);
            if (ul < 8 || ul > l4.Length) return false;
            bool noChecksum = BinaryPrimitives.ReadUInt16BigEndian(l4[6..]) == 0;
            if (!noChecksum && !Checksum.IsValid(l4, Checksum.PseudoHeaderSum(new Ipv4Address(src), new Ipv4Address(dst), proto, l4.Length))) return false;
            return Ports(l4, src, dst, proto, zone, out key);
        }
        if (proto == Icmp)
        {
            if (!Checksum.IsValid(l4)) return false;
            return IcmpKey(l4, src, dst, zone, allowError: true, out key, out related);
        }
        key = new ConnKey(src, dst, 0, 0, 0, 0, proto, zone);     // other protocols: addresses only
        return true;
    }

    /// <summary>ICMP types that have a request/reply tuple, and their reverse.</summary>
    public static bool TryReverseIcmpType(byte type, out byte reverse)
    {
        reverse = type switch { 8 => 0, 0 => 8, 13 => 14, 14 => 13, 15 => 16, 16 => 15, _ => 255 };
        return reverse != 255;
    }

    private static bool TryIpv4(ReadOnlySpan<byte> ip, bool validateChecksum, out uint src, out uint dst, out byte proto, out ReadOnlySpan<byte> l4)
    {
        src = dst = 0; proto = 0; l4 = default;
        if (ip.Length < 20) return false;
        int ihl = (ip[0] & 0x0F) * 4;
        if (ihl < 20 || ip.Length < ihl) return false;
        if ((BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x3FFF) != 0) return false;   // fragment: OVS reassembles first; MeshSim does not
        if (validateChecksum && !Checksum.IsValid(ip[..ihl])) return false;
        int total = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        int end = validateChecksum ? Math.Clamp(total, ihl, ip.Length) : ip.Length;  // ignore Ethernet padding
        src = BinaryPrimitives.ReadUInt32BigEndian(ip[12..]);
        dst = BinaryPrimitives.ReadUInt32BigEndian(ip[16..]);
        proto = ip[9];
        l4 = ip[ihl..end];
        return true;
    }

    private static bool Ports(ReadOnlySpan<byte> l4, uint src, uint dst, byte proto, ushort zone, out ConnKey key)
    {
        ushort sp = BinaryPrimitives.ReadUInt16BigEndian(l4), dp = BinaryPrimitives.ReadUInt16BigEndian(l4[2..]);
        key = new ConnKey(src, dst, sp, dp, 0, 0, proto, zone);
        return sp != 0 && dp != 0;                                  // port 0 is invalid
    }

    private static bool IcmpKey(ReadOnlySpan<byte> l4, uint src, uint dst, ushort zone, bool allowError, out ConnKey key, out bool related)
    {
        key = default;
        related = false;
        if (l4.Length < 8) return false;
        byte type = l4[0], code = l4[1];
        if (TryReverseIcmpType(type, out byte rev))
        {
            if (code != 0) return false;
            ushort id = BinaryPrimitives.ReadUInt16BigEndian(l4[4..]);
            key = new ConnKey(src, dst, id, id, type, rev, Icmp, zone);
            return true;
        }
        if (!allowError || type is not (3 or 11 or 12 or 4 or 5)) return false;
        // An ICMP error quotes the offending packet: its tuple, reversed, names the connection.
        if (!TryIpv4(l4[8..], validateChecksum: false, out uint isrc, out uint idst, out byte iproto, out var inner)) return false;
        if (isrc != dst) return false;
        ConnKey innerKey;
        if (iproto is Tcp or Udp)
        {
            if (inner.Length < 8 || !Ports(inner, isrc, idst, iproto, zone, out innerKey)) return false;
        }
        else if (iproto == Icmp)
        {
            if (!IcmpKey(inner, isrc, idst, zone, allowError: false, out innerKey, out _)) return false;
        }
        else innerKey = new ConnKey(isrc, idst, 0, 0, 0, 0, iproto, zone);
        key = innerKey.Reverse();
        related = true;
        return true;
    }
}
