using System.Buffers.Binary;

namespace MeshSim.Wire.Tests;

public class FrameBuilderTests
{
    private static readonly MacAddress A = MacAddress.Parse("02:00:00:00:00:0a"), B = MacAddress.Parse("02:00:00:00:00:0b");
    private static readonly Ipv4Address IpA = Ipv4Address.Parse("10.77.0.1"), IpB = Ipv4Address.Parse("10.77.0.2");
    private static readonly Ipv4Address Lo = Ipv4Address.Parse("127.0.0.1");
    private static readonly EthernetRepr LoEth = new(default, default, 0);

    private static byte[] Build(Func<byte[], int> build)
    {
        var buf = Captures.Junk(2048);
        int n = build(buf);
        return buf[..n];
    }

    private static byte[] Patch16(byte[] frame, int at, ushort value)
    {
        var f = (byte[])frame.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(at), value);
        return f;
    }

    [Fact]
    public void Arp_request_equals_capture()
    {
        var frame = Build(b => FrameBuilder.ArpRequest(b, B, IpB, IpA));
        Assert.Equal(Captures.ArpRequest, frame);
    }

    [Fact]
    public void Arp_reply_equals_capture()
    {
        var frame = Build(b => FrameBuilder.ArpReply(b, A, IpA, B, IpB));
        Assert.Equal(Captures.ArpReply, frame);
    }

    [Fact]
    public void Icmp_echo_equals_capture()
    {
        var data = Captures.EchoRequest[42..];
        var frame = Build(b => FrameBuilder.IcmpEcho(b, new EthernetRepr(A, B, 0), new Ipv4Repr(IpA, IpB, Identification: 0x09b0, DontFragment: true),
                                                     0x1234, 1, data));
        Assert.Equal(Captures.EchoRequest, frame);
        var reply = Build(b => FrameBuilder.IcmpEcho(b, new EthernetRepr(B, A, 0), new Ipv4Repr(IpB, IpA, Identification: 0x1c77),
                                                     0x1234, 1, data, reply: true));
        Assert.Equal(Captures.EchoReply, reply);
    }

    [Fact]
    public void Vlan_tagged_echo_equals_capture()
    {
        var frame = Build(b => FrameBuilder.IcmpEcho(b, new EthernetRepr(A, B, 0, VlanTci: 0xA00A),
                                                     new Ipv4Repr(IpA, IpB, Identification: 0x0abc, DontFragment: true),
                                                     0x4242, 7, "vlan-tagged"u8));
        Assert.Equal(Captures.VlanEcho, frame);
    }

    [Fact]
    public void Port_unreachable_equals_capture()
    {
        var quoted = Captures.Udp[14..];
        var frame = Build(b => FrameBuilder.Icmp(b, LoEth, new Ipv4Repr(Lo, Lo, Tos: 0xC0, Identification: 0xdb20),
                                                 IcmpV4Repr.DestinationUnreachable(IcmpV4Unreachable.Port, quoted.Length), quoted));
        Assert.Equal(Captures.PortUnreachable, frame);
    }

    [Fact]
    public void Tcp_syn_with_options_equals_capture_with_tsharks_checksum()
    {
        var tcp = new TcpRepr(33920, 18080, 0x44befad7, 0, TcpFlags.Syn, 65495,
                              new TcpOptions(65495, 10, true, (0x800713b1u, 0u)));
        var frame = Build(b => FrameBuilder.Tcp(b, LoEth, new Ipv4Repr(Lo, Lo, Identification: 0x872d, DontFragment: true), tcp, default));
        Assert.Equal(Patch16(Captures.TcpSyn, 50, 0xb18f), frame);
    }

    [Fact]
    public void Tcp_with_payload_equals_capture_with_tsharks_checksum()
    {
        var payload = Captures.TcpHttpGet[66..];
        var tcp = new TcpRepr(33920, 18080, 0x44befad8, 0x2a08aba0, TcpFlags.Psh | TcpFlags.Ack, 64, new TcpOptions(Timestamp: (0x800713b1u, 0xbb4374b9u)));
        var frame = Build(b => FrameBuilder.Tcp(b, LoEth, new Ipv4Repr(Lo, Lo, Identification: 0x872f, DontFragment: true), tcp, payload));
        Assert.Equal(Patch16(Captures.TcpHttpGet, 50, 0xf41c), frame);
    }

    [Fact]
    public void Udp_equals_capture_with_tsharks_checksum()
    {
        var frame = Build(b => FrameBuilder.Udp(b, LoEth, new Ipv4Repr(Lo, Lo, Identification: 0xf75a, DontFragment: true),
                                                new UdpRepr(57305, 19999, 0), "hello wire\n"u8));
        Assert.Equal(Patch16(Captures.Udp, 40, 0x9c0b), frame);
    }

    [Fact]
    public void Vxlan_equals_capture_with_a_zero_outer_udp_checksum()
    {
        var inner = Captures.VxlanEcho[50..];
        var frame = Build(b => FrameBuilder.Vxlan(b, new EthernetRepr(A, B, 0), new Ipv4Repr(IpA, IpB, Identification: 0xc5ff),
                                                  udpSourcePort: 48966, vni: 5001, inner));
        Assert.Equal(Patch16(Captures.VxlanEcho, 40, 0), frame);
    }

    [Fact]
    public void Too_small_buffer_names_the_length_needed()
    {
        var e = Assert.Throws<ArgumentException>(() => FrameBuilder.ArpRequest(new byte[41], A, IpA, IpB));
        Assert.Contains("needs 42 bytes, buffer has 41", e.Message);
    }

    [Fact]
    public void Tshark_finds_no_errors_in_built_frames()
    {
        var frames = new List<byte[]>
        {
            Build(b => FrameBuilder.ArpRequest(b, A, IpA, IpB)),
            Build(b => FrameBuilder.IcmpEcho(b, new EthernetRepr(A, B, 0), new Ipv4Repr(IpA, IpB), 1, 2, new byte[56])),
            Build(b => FrameBuilder.Icmp(b, new EthernetRepr(B, A, 0), new Ipv4Repr(IpB, IpA),
                                         IcmpV4Repr.DestinationUnreachable(IcmpV4Unreachable.FragmentationNeeded, 28, 1400), Captures.EchoRequest.AsSpan(14, 28))),
            Build(b => FrameBuilder.Tcp(b, new EthernetRepr(A, B, 0, VlanTci: 0x0064), new Ipv4Repr(IpA, IpB, Ttl: 3),
                                        new TcpRepr(40000, 80, 1, 0, TcpFlags.Syn, 64240, new TcpOptions(1460, 7, true, (5u, 0u))), default)),
            Build(b => FrameBuilder.Tcp(b, new EthernetRepr(A, B, 0), new Ipv4Repr(IpA, IpB),
                                        new TcpRepr(40000, 80, 2, 9, TcpFlags.Psh | TcpFlags.Ack, 502), "GET / HTTP/1.1\r\nHost: a\r\n\r\n"u8)),
            Build(b => FrameBuilder.Udp(b, new EthernetRepr(A, B, 0), new Ipv4Repr(IpA, IpB), new UdpRepr(5353, 53, 0), new byte[33])),
        };
        var inner = frames[4];                                   // built above, so its checksums are right (the capture's are offloaded)
        frames.Add(Build(b => FrameBuilder.Vxlan(b, new EthernetRepr(A, B, 0), new Ipv4Repr(IpA, IpB), 50000, 42, inner)));
        string pcap = Path.Combine(Path.GetTempPath(), $"meshsim-wire-build-{Environment.ProcessId}.pcap");
        try
        {
            PcapFile.Write(pcap, frames);
            var errors = ExternalTool.Run("tshark", "-r", pcap, "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                                          "-o", "udp.check_checksum:TRUE", "-Y", "_ws.expert.severity == error || _ws.malformed",
                                          "-T", "fields", "-e", "frame.number", "-e", "_ws.expert.message");
            Assert.Empty(errors);
            var protocols = ExternalTool.Run("tshark", "-r", pcap, "-T", "fields", "-e", "frame.protocols");
            Assert.Equal(frames.Count, protocols.Length);
            Assert.Equal("eth:ethertype:vlan:ethertype:ip:tcp", protocols[3]);
            Assert.Contains("vxlan:eth:ethertype:ip:tcp", protocols[6]);
        }
        finally
        {
            File.Delete(pcap);
        }
    }
}
