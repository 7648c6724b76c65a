using MeshSim.Wire;

namespace MeshSim.Ovs.Tests.Conntrack;

/// <summary>Builds test frames and their flow keys.</summary>
internal static class Packets
{
    public static readonly MacAddress MacA = MacAddress.Parse("00:00:00:00:00:01"), MacB = MacAddress.Parse("00:00:00:00:00:02");

    public static byte[] Tcp(string src, ushort sport, string dst, ushort dport, TcpFlags flags, uint seq, uint ack, int payload = 0, ushort window = 65535)
    {
        var buf = new byte[1600];
        int n = FrameBuilder.Tcp(buf, new EthernetRepr(MacA, MacB, 0x0800), new Ipv4Repr(Ipv4Address.Parse(src), Ipv4Address.Parse(dst)),
            new TcpRepr(sport, dport, seq, ack, flags, window), new byte[payload]);
        return buf[..n];
    }

    public static byte[] Udp(string src, ushort sport, string dst, ushort dport)
    {
        var buf = new byte[1600];
        int n = FrameBuilder.Udp(buf, new EthernetRepr(MacA, MacB, 0x0800), new Ipv4Repr(Ipv4Address.Parse(src), Ipv4Address.Parse(dst)),
            new UdpRepr(sport, dport, 4), new byte[4]);
        return buf[..n];
    }

    public static byte[] Echo(string src, string dst, ushort id, bool reply)
    {
        var buf = new byte[1600];
        int n = FrameBuilder.IcmpEcho(buf, new EthernetRepr(MacA, MacB, 0x0800), new Ipv4Repr(Ipv4Address.Parse(src), Ipv4Address.Parse(dst)), id, 1, new byte[8], reply);
        return buf[..n];
    }

    public static FlowKey Flow(ReadOnlySpan<byte> frame, uint inPort = 1)
    {
        var key = default(FlowKey);
        var counters = default(ExtractCounters);
        FlowExtractor.Extract(frame, inPort, ref key, ref counters);
        return key;
    }
}
