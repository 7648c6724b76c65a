using MeshSim.Wire;

namespace MeshSim.Oracles.Differential;

/// <summary>Builds the frames of generated sequences (valid checksums) with MeshSim.Wire's builders.</summary>
public static class FrameFactory
{
    /// <summary>An L3 endpoint: the port it sits behind, its MAC, IP and L4 port.</summary>
    public readonly record struct Endpoint(int Port, MacAddress Mac, Ipv4Address Ip, ushort L4Port);

    /// <summary>ARP request from host <paramref name="from"/> for <paramref name="target"/>.</summary>
    public static byte[] ArpRequest(int from, Ipv4Address target) =>
        Build(b => FrameBuilder.ArpRequest(b, AddressPlan.Mac(from), AddressPlan.Ip(from), target));

    /// <summary>ARP reply from host <paramref name="from"/> to host <paramref name="to"/>.</summary>
    public static byte[] ArpReply(int from, int to) =>
        Build(b => FrameBuilder.ArpReply(b, AddressPlan.Mac(from), AddressPlan.Ip(from), AddressPlan.Mac(to), AddressPlan.Ip(to)));

    /// <summary>ICMP echo request or reply of <paramref name="dataLength"/> bytes.</summary>
    public static byte[] Echo(Endpoint src, Endpoint dst, ushort id, ushort seq, int dataLength, bool reply, ushort ipId) =>
        Build(b => FrameBuilder.IcmpEcho(b, Eth(src, dst), new Ipv4Repr(src.Ip, dst.Ip, Identification: ipId), id, seq, Payload(dataLength, seq), reply));

    /// <summary>UDP datagram.</summary>
    public static byte[] Udp(Endpoint src, Endpoint dst, int payloadLength, ushort ipId) =>
        Build(b => FrameBuilder.Udp(b, Eth(src, dst), new Ipv4Repr(src.Ip, dst.Ip, Identification: ipId),
                                    new UdpRepr(src.L4Port, dst.L4Port, payloadLength), Payload(payloadLength, ipId)));

    /// <summary>An ICMP destination unreachable (code <paramref name="code"/>) from <paramref name="src"/>
    /// quoting the IP header and first 8 payload bytes of <paramref name="offending"/> (a whole frame).</summary>
    public static byte[] Unreachable(Endpoint src, Endpoint dst, byte code, byte[] offending, ushort ipId)
    {
        var quoted = offending.AsSpan(14, Math.Min(28, offending.Length - 14)).ToArray();
        return Build(b => FrameBuilder.Icmp(b, Eth(src, dst), new Ipv4Repr(src.Ip, dst.Ip, Identification: ipId),
                                            IcmpV4Repr.DestinationUnreachable(code, quoted.Length), quoted));
    }

    /// <summary>TCP segment.</summary>
    public static byte[] Tcp(Endpoint src, Endpoint dst, TcpFlags flags, uint seq, uint ack, int payloadLength, ushort ipId) =>
        Build(b => FrameBuilder.Tcp(b, Eth(src, dst), new Ipv4Repr(src.Ip, dst.Ip, Identification: ipId, DontFragment: true),
                                    new TcpRepr(src.L4Port, dst.L4Port, seq, ack, flags, 64240), Payload(payloadLength, (int)seq)));

    private static EthernetRepr Eth(Endpoint src, Endpoint dst) => new(src.Mac, dst.Mac, 0x0800);

    private static byte[] Payload(int length, int salt)
    {
        var p = new byte[length];
        for (int i = 0; i < length; i++) p[i] = (byte)('a' + (i + salt) % 26);
        return p;
    }

    private delegate int Writer(Span<byte> buffer);

    private static byte[] Build(Writer write)
    {
        Span<byte> buffer = stackalloc byte[2048];
        int n = write(buffer);
        return buffer[..n].ToArray();
    }
}
