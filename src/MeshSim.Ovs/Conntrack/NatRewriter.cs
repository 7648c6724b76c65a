using System.Buffers.Binary;
using MeshSim.Ovs.Datapath;
using MeshSim.Wire;

namespace MeshSim.Ovs.Conntrack;

/// <summary>
/// nat_packet: rewrites a packet of a NATed connection. Forward packets take the reply key's
/// view (source becomes the reply's destination for SNAT; destination becomes the reply's source
/// for DNAT); replies take the original key's view with the action reversed. Ports are written
/// from the same key. For an ICMP error (+rel) the quoted inner packet is translated the other way
/// and the ICMP checksum recomputed, as nat_inner_packet does.
/// </summary>
internal static class NatRewriter
{
    public static bool Apply(Span<byte> frame, in FlowKey flow, ref CtMetadata md, Connection conn, bool reply, bool related)
    {
        var key = reply ? conn.Key : conn.RevKey;
        var action = reply ? Reverse(conn.Nat) : conn.Nat;
        if ((action & NatMode.Src) != 0) md.State |= CtState.SrcNat;
        else if ((action & NatMode.Dst) != 0) md.State |= CtState.DstNat;
        if ((action & (NatMode.Src | NatMode.Dst)) == 0) return false;

        if ((action & NatMode.Src) != 0) HeaderRewriter.SetIpv4Address(frame, in flow, source: true, key.Dst);
        else HeaderRewriter.SetIpv4Address(frame, in flow, source: false, key.Src);

        if (related) RewriteInner(frame, in flow, key.Reverse(), Reverse(action));
        else if (key.Proto is 6 or 17)
        {
            HeaderRewriter.SetPort(frame, in flow, source: true, key.DstPort);
            HeaderRewriter.SetPort(frame, in flow, source: false, key.SrcPort);
        }
        return true;
    }

    private static NatMode Reverse(NatMode a)
    {
        if ((a & NatMode.Src) != 0) return (a & ~NatMode.Src) | NatMode.Dst;
        if ((a & NatMode.Dst) != 0) return (a & ~NatMode.Dst) | NatMode.Src;
        return a;
    }

    /// <summary>nat_inner_packet: the quoted packet's ports (pat_packet) and then its address
    /// (packet_set_ipv4_addr) with the inner IP checksum and, as OVS does, the inner L4 checksum
    /// adjusted too — UDP only when it is not 0, the address part only when the quote holds the
    /// whole L4 header (OVS checks <c>l4_size</c>); then the ICMP checksum is recomputed.</summary>
    private static void RewriteInner(Span<byte> frame, in FlowKey flow, ConnKey rev, NatMode action)
    {
        if (flow.L4Offset == FlowKey.Absent) return;
        int outerTotal = BinaryPrimitives.ReadUInt16BigEndian(frame[(flow.L3Offset + 2)..]);
        int icmpEnd = Math.Min(frame.Length, flow.L3Offset + outerTotal);
        int innerL3 = flow.L4Offset + 8;
        if (innerL3 + 20 > icmpEnd) return;
        int ihl = (frame[innerL3] & 0x0F) * 4;
        int innerL4 = innerL3 + ihl;
        int l4Size = icmpEnd - innerL4;
        byte proto = frame[innerL3 + 9];
        int l4Csum = proto switch { 6 => innerL4 + 16, 17 => innerL4 + 6, _ => -1 };
        bool hasCsum = l4Csum >= 0 && l4Csum + 2 <= icmpEnd;
        bool udpNoCsum = proto == 17 && hasCsum && BinaryPrimitives.ReadUInt16BigEndian(frame[l4Csum..]) == 0;
        if ((proto is 6 or 17) && l4Size >= 4)
        {
            SetInnerPort(frame, innerL4, rev.DstPort, hasCsum && !udpNoCsum ? l4Csum : -1);
            SetInnerPort(frame, innerL4 + 2, rev.SrcPort, hasCsum && !udpNoCsum ? l4Csum : -1);
            if (proto == 17 && hasCsum && !udpNoCsum)
                BinaryPrimitives.WriteUInt16BigEndian(frame[l4Csum..], Checksum.UdpOnWire(BinaryPrimitives.ReadUInt16BigEndian(frame[l4Csum..])));
        }
        int at = (action & NatMode.Src) != 0 ? innerL3 + 12 : innerL3 + 16;
        uint value = (action & NatMode.Src) != 0 ? rev.Dst : rev.Src;
        uint old = BinaryPrimitives.ReadUInt32BigEndian(frame[at..]);
        bool wholeL4 = proto switch { 6 => l4Size >= 20, 17 => l4Size >= 8, _ => false };
        if (wholeL4 && !udpNoCsum)
        {
            ushort csum = BinaryPrimitives.ReadUInt16BigEndian(frame[l4Csum..]);
            csum = proto == 17 ? Checksum.AdjustUdp(csum, old, value) : Checksum.Adjust(csum, old, value);
            BinaryPrimitives.WriteUInt16BigEndian(frame[l4Csum..], csum);
        }
        BinaryPrimitives.WriteUInt32BigEndian(frame[at..], value);
        int c = innerL3 + 10;
        BinaryPrimitives.WriteUInt16BigEndian(frame[c..], Checksum.Adjust(BinaryPrimitives.ReadUInt16BigEndian(frame[c..]), old, value));
        var icmp = frame[flow.L4Offset..icmpEnd];
        icmp[2] = 0; icmp[3] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Checksum.Compute(icmp));
    }

    /// <summary>packet_set_port on the quoted header: the port, and the L4 checksum when it is in
    /// the quote (<paramref name="csumAt"/> ≥ 0). UDP's 0→0xFFFF rule is applied once after both
    /// ports, as packet_set_udp_port does.</summary>
    private static void SetInnerPort(Span<byte> frame, int at, ushort port, int csumAt)
    {
        ushort old = BinaryPrimitives.ReadUInt16BigEndian(frame[at..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[at..], port);
        if (csumAt < 0 || old == port) return;
        ushort csum = BinaryPrimitives.ReadUInt16BigEndian(frame[csumAt..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[csumAt..], Checksum.Adjust(csum, old, port));
    }
}
