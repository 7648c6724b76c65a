namespace MeshSim.Wire.Tests;

public class FlowExtractorTests
{
    private static (FlowKey Key, ExtractCounters Counters) Extract(byte[] frame, uint inPort = 7)
    {
        var key = default(FlowKey);
        var counters = default(ExtractCounters);
        FlowExtractor.Extract(frame, inPort, ref key, ref counters);
        return (key, counters);
    }

    [Fact]
    public void Arp_fields_go_to_nw_and_arp_slots()
    {
        var (k, c) = Extract(Captures.ArpReply);
        Assert.Equal(7u, k.InPort);
        Assert.Equal(EtherType.Arp, k.EthType);
        Assert.Equal(ArpOperation.Reply, k.NwProto);
        Assert.Equal(Ipv4Address.Parse("10.77.0.1"), k.NwSrc);
        Assert.Equal(Ipv4Address.Parse("10.77.0.2"), k.NwDst);
        Assert.Equal(MacAddress.Parse("02:00:00:00:00:0a"), k.ArpSha);
        Assert.Equal(MacAddress.Parse("02:00:00:00:00:0b"), k.ArpTha);
        Assert.Equal(14, k.L3Offset);
        Assert.Equal(FlowKey.Absent, k.L4Offset);
        Assert.Equal(0, c.Anomalies);
    }

    [Fact]
    public void Icmp_type_and_code_go_to_tp_fields()
    {
        var (k, _) = Extract(Captures.PortUnreachable);
        Assert.Equal(IpProtocol.Icmp, k.NwProto);
        Assert.Equal(IcmpV4Type.DestinationUnreachable, k.TpSrc);
        Assert.Equal(IcmpV4Unreachable.Port, k.TpDst);
        Assert.Equal(0xC0, k.NwTos);
        Assert.Equal(34, k.L4Offset);
    }

    [Fact]
    public void Vlan_tci_carries_the_cfi_presence_bit()
    {
        var (k, _) = Extract(Captures.VlanEcho);
        Assert.Equal(0xA00A | 0x1000, k.VlanTci);
        Assert.Equal(EtherType.Ipv4, k.EthType);
        Assert.Equal(18, k.L3Offset);
        Assert.Equal(38, k.L4Offset);
        Assert.Equal(IcmpV4Type.EchoRequest, k.TpSrc);
    }

    [Fact]
    public void Tcp_ports_and_flags()
    {
        var (k, _) = Extract(Captures.TcpFin);
        Assert.Equal((18080, 33920), (k.TpSrc, k.TpDst));
        Assert.Equal((ushort)(TcpFlags.Fin | TcpFlags.Ack), k.TcpFlags);
        Assert.Equal(64, k.NwTtl);
    }

    [Fact]
    public void Ip_options_move_the_l4_offset()
    {
        var (k, _) = Extract(Captures.OptionsEcho);
        Assert.Equal(14 + 32, k.L4Offset);
        Assert.Equal(IcmpV4Type.EchoRequest, k.TpSrc);
    }

    [Fact]
    public void Later_fragment_has_no_l4_fields()
    {
        var (k, c) = Extract(Captures.LaterFragment);
        Assert.Equal(FragmentState.Any | FragmentState.Later, k.NwFrag);
        Assert.Equal(0, k.TpSrc);
        Assert.Equal(FlowKey.Absent, k.L4Offset);
        Assert.Equal(1, c.Ipv4LaterFragments);
        Assert.Equal(0, c.Anomalies);
    }

    [Fact]
    public void Cut_first_fragment_counts_a_bad_total_length_and_keeps_l2()
    {
        var (k, c) = Extract(Captures.FirstFragmentCut);
        Assert.Equal(EtherType.Ipv4, k.EthType);
        Assert.Equal(MacAddress.Parse("02:00:00:00:00:0a"), k.EthSrc);
        Assert.Equal(Ipv4Address.Any, k.NwSrc);
        Assert.Equal(FlowKey.Absent, k.L3Offset);
        Assert.Equal(1, c.Ipv4BadTotalLength);
    }

    [Fact]
    public void Extract_resets_every_field_of_a_reused_key()
    {
        var key = default(FlowKey);
        var counters = default(ExtractCounters);
        FlowExtractor.Extract(Captures.TcpSyn, 1, ref key, ref counters);
        FlowExtractor.Extract(Captures.ArpRequest, 2, ref key, ref counters);
        Assert.Equal(0, key.TpSrc);
        Assert.Equal(0, key.TcpFlags);
        Assert.Equal(0, key.NwTtl);
        Assert.Equal(2, counters.Frames);
    }

    [Theory]
    [InlineData(0, nameof(ExtractCounters.EthernetTooShort))]
    [InlineData(13, nameof(ExtractCounters.EthernetTooShort))]
    [InlineData(17, nameof(ExtractCounters.VlanTagTooShort))]
    [InlineData(30, nameof(ExtractCounters.Ipv4TooShort))]
    [InlineData(45, nameof(ExtractCounters.Ipv4BadTotalLength))]
    public void Truncated_vlan_frame_bumps_the_named_counter(int length, string counter)
    {
        var (_, c) = Extract(Captures.VlanEcho[..length]);
        var value = (long)typeof(ExtractCounters).GetField(counter)!.GetValue(c)!;
        Assert.Equal(1, value);
        Assert.Equal(1, c.Anomalies);
    }

    [Fact]
    public void Llc_snap_frames_use_the_snap_type()
    {
        // 802.3 length + LLC/SNAP (OUI 0) in front of the captured SYN's IPv4 packet.
        var frame = new byte[12].Concat(Captures.Hex("0030aaaa030000000800")).Concat(Captures.TcpSyn[14..]).ToArray();
        var (k, _) = Extract(frame);
        Assert.Equal(EtherType.Ipv4, k.EthType);
        Assert.Equal(22, k.L3Offset);
        Assert.Equal(18080, k.TpDst);
        var (plainLlc, _) = Extract(new byte[12].Concat(Captures.Hex("00304242030000000000")).ToArray());
        Assert.Equal(EtherType.None, plainLlc.EthType);
    }

    [Theory]
    [InlineData("wire-veth")]
    [InlineData("wire-loopback")]
    public void Matches_golden_ovs_ofctl_parse_pcap(string name)
    {
        // Golden/<name>.parse-pcap.txt is the output of `ovs-ofctl parse-pcap pcaps/<name>.pcap` (OVS 3.1.0).
        var expected = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Golden", name + ".parse-pcap.txt"));
        var actual = PcapFile.ReadRepo(name + ".pcap").Select(f => FlowKeyText.Format(Extract(f).Key, "ANY")).ToArray();
        Assert.Equal(expected, actual);
    }
}
