using System.Runtime.InteropServices;
using System.Text;

namespace MeshSim.Wire;

/// <summary>
/// One line per frame, layer by layer, in the spirit of tshark's summary:
/// <c>ETH 02:00:00:00:00:01 &gt; 02:00:00:00:00:02 type=0x0800 | IPv4 10.0.0.1 &gt; 10.0.0.2 … | ICMP echo request id=1 seq=1 len=56</c>.
/// A layer that fails its checks prints its <see cref="WireError"/> in parentheses and ends the
/// line; nothing here throws, whatever the bytes. For logs, traces and test failures, not hot paths.
/// </summary>
public static class FrameText
{
    /// <summary>Describes <paramref name="frame"/> (an Ethernet frame) on one line.</summary>
    public static string Describe(ReadOnlySpan<byte> frame)
    {
        // Views take Span<byte> because they also write; this method only reads through them.
        var bytes = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(frame), frame.Length);
        var text = new StringBuilder(128);
        DescribeEthernet(bytes, text, depth: 0);
        return text.ToString();
    }

    private static void DescribeEthernet(Span<byte> bytes, StringBuilder text, int depth)
    {
        if (!EthernetView.TryCreate(bytes, out var eth, out var error)) { Fail(text, "ETH", error); return; }
        text.Append(eth.ToString());
        var payload = eth.Payload;
        switch (eth.EtherType)
        {
            case EtherType.Ipv4: DescribeIpv4(payload, text, eth.HeaderLength, depth); break;
            case EtherType.Arp or EtherType.Rarp:
                if (ArpView.TryCreate(payload, out var arp, out error)) text.Append(" | ").Append(arp.ToString());
                else Fail(text, "ARP", error.At(eth.HeaderLength));
                break;
        }
    }

    private static void DescribeIpv4(Span<byte> bytes, StringBuilder text, int offset, int depth)
    {
        if (!Ipv4View.TryCreate(bytes, out var ip, out var error)) { Fail(text, "IPv4", error.At(offset)); return; }
        text.Append(" | ").Append(ip.ToString());
        if (!ip.VerifyChecksum()) text.Append(" (bad checksum)");
        if (ip.FragmentOffset != 0) return;        // later fragments carry no L4 header
        var l4 = ip.Payload;
        offset += ip.HeaderLength;
        switch (ip.Protocol)
        {
            case IpProtocol.Icmp:
                if (IcmpV4View.TryCreate(l4, out var icmp, out error)) text.Append(" | ").Append(icmp.ToString());
                else Fail(text, "ICMP", error.At(offset));
                break;
            case IpProtocol.Tcp:
                if (!TcpView.TryCreate(l4, out var tcp, out error)) { Fail(text, "TCP", error.At(offset)); break; }
                text.Append(" | ").Append(tcp.ToString());
                if (!TcpOptions.TryParse(tcp.Options, out var options, out error)) Fail(text, "options", error.At(offset + TcpView.MinHeaderLength));
                else AppendOptions(text, options);
                break;
            case IpProtocol.Udp:
                if (!UdpView.TryCreate(l4, out var udp, out error)) { Fail(text, "UDP", error.At(offset)); break; }
                text.Append(" | ").Append(udp.ToString());
                if (udp.DestinationPort == UdpRepr.VxlanPort && depth == 0)   // one level of nesting is enough for a line
                {
                    if (!VxlanView.TryCreate(udp.Payload, out var vx, out error)) { Fail(text, "VXLAN", error.At(offset + UdpView.HeaderLength)); break; }
                    text.Append(" | ").Append(vx.ToString()).Append(" | ");
                    DescribeEthernet(vx.Payload, text, depth + 1);
                }
                break;
        }
    }

    private static void AppendOptions(StringBuilder text, in TcpOptions o)
    {
        if (o.MaxSegmentSize is ushort mss) text.Append(" mss=").Append(mss);
        if (o.SackPermitted) text.Append(" sackOK");
        if (o.Timestamp is (uint val, uint ecr)) text.Append(" ts=").Append(val).Append('/').Append(ecr);
        if (o.WindowScale is byte ws) text.Append(" wscale=").Append(ws);
        if (o.Sack.Count > 0) text.Append(" sack=").Append(o.Sack.ToString());
    }

    private static void Fail(StringBuilder text, string layer, in WireError error)
    {
        if (text.Length > 0) text.Append(" | ");
        text.Append(layer).Append(" (").Append(error.ToString()).Append(')');
    }
}
