namespace MeshSim.Wire.Tests;

public class FrameTextTests
{
    [Fact]
    public void Icmp_echo()
    {
        Assert.Equal(
            "ETH 02:00:00:00:00:0a > 02:00:00:00:00:0b type=0x0800 | IPv4 10.77.0.1 > 10.77.0.2 proto=1 ttl=64 id=2480 len=52 DF | ICMP echo request id=4660 seq=1 len=24",
            FrameText.Describe(Captures.EchoRequest));
    }

    [Fact]
    public void Arp()
    {
        Assert.Equal("ETH 02:00:00:00:00:0b > ff:ff:ff:ff:ff:ff type=0x0806 | ARP request who-has 10.77.0.1 tell 10.77.0.2 (02:00:00:00:00:0b)",
                     FrameText.Describe(Captures.ArpRequest));
    }

    [Fact]
    public void Tcp_syn_with_options()
    {
        Assert.Equal(
            "ETH 00:00:00:00:00:00 > 00:00:00:00:00:00 type=0x0800 | IPv4 127.0.0.1 > 127.0.0.1 proto=6 ttl=64 id=34605 len=60 DF | TCP 33920 > 18080 [S] seq=1153366743 ack=0 win=65495 len=0 mss=65495 sackOK ts=2147947441/0 wscale=10",
            FrameText.Describe(Captures.TcpSyn));
    }

    [Fact]
    public void Vlan_vxlan_fragment_and_options()
    {
        Assert.Contains("vlan=10 pcp=5 type=0x0800", FrameText.Describe(Captures.VlanEcho));
        Assert.EndsWith("| UDP 48966 > 4789 len=82 | VXLAN vni=5001 | ETH 02:00:00:00:01:0a > 02:00:00:00:01:0b type=0x0800 | IPv4 10.77.1.1 > 10.77.1.2 proto=1 ttl=64 id=55355 len=52 DF | ICMP echo request id=4660 seq=1 len=24",
                        FrameText.Describe(Captures.VxlanEcho));
        Assert.EndsWith("proto=1 ttl=64 id=4506 len=148 frag=1480", FrameText.Describe(Captures.LaterFragment));
        Assert.Contains("options=12 | ICMP echo request", FrameText.Describe(Captures.OptionsEcho));
    }

    [Fact]
    public void A_malformed_layer_prints_its_error_in_parentheses()
    {
        Assert.EndsWith("type=0x0800 | IPv4 (truncated at byte 14 (ipv4.total_length): need 1500 bytes, have 66)",
                        FrameText.Describe(Captures.FirstFragmentCut));
        var badTcp = (byte[])Captures.TcpFin.Clone();
        badTcp[46] = 0x30;
        Assert.EndsWith("| TCP (bad tcp.data_offset (expected >= 5) at byte 46)", FrameText.Describe(badTcp));
        Assert.Equal("ETH (truncated at byte 0 (eth.header): need 14 bytes, have 3)", FrameText.Describe([1, 2, 3]));
    }

    [Fact]
    public void Wrong_ip_checksum_is_flagged()
    {
        var f = (byte[])Captures.EchoRequest.Clone();
        f[24] ^= 0x10;
        Assert.Contains("DF (bad checksum) | ICMP", FrameText.Describe(f));
    }
}
