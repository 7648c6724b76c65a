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

    private static void RewriteInner(Span<byte> frame, in FlowKey flow, ConnKey rev, NatMode action)
    {
        if (flow.L4Offset == FlowKey.Absent) return;
        int outerTotal = BinaryPrimitives.ReadUInt16BigEndian(frame[(flow.L3Offset + 2)..]);
        int icmpEnd = Math.Min(frame.Length, flow.L3Offset + outerTotal);
        int innerL3 = flow.L4Offset + 8;
        if (innerL3 + 20 > icmpEnd) return;
        int ihl = (frame[innerL3] & 0x0F) * 4;
        int innerL4 = innerL3 + ihl;
        byte proto = frame[innerL3 + 9];
        if ((proto is 6 or 17) && innerL4 + 4 <= icmpEnd)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame[innerL4..], rev.DstPort);
            BinaryPrimitives.WriteUInt16BigEndian(frame[(innerL4 + 2)..], rev.SrcPort);
        }
        int at = (action & NatMode.Src) != 0 ? innerL3 + 12 : innerL3 + 16;
        uint value = (action & NatMode.Src) != 0 ? rev.Dst : rev.Src;
        uint old = BinaryPrimitives.ReadUInt32BigEndian(frame[at..]);
        BinaryPrimitives.WriteUInt32BigEndian(frame[at..], value);
        int c = innerL3 + 10;
        BinaryPrimitives.WriteUInt16BigEndian(frame[c..], Checksum.Adjust(BinaryPrimitives.ReadUInt16BigEndian(frame[c..]), old, value));
        var icmp = frame[flow.L4Offset..icmpEnd];
        icmp[2] = 0; icmp[3] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Checksum.Compute(icmp));
    }
}
