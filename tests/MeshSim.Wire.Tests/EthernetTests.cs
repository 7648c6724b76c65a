namespace MeshSim.Wire.Tests;

public class EthernetTests
{
    private static readonly MacAddress A = MacAddress.Parse("02:00:00:00:00:0a"), B = MacAddress.Parse("02:00:00:00:00:0b");

    [Fact]
    public void Deconstruct_untagged()
    {
        Assert.True(EthernetView.TryCreate(Captures.EchoRequest, out var eth, out var error), error.ToString());
        Assert.Equal(B, eth.Destination);
        Assert.Equal(A, eth.Source);
        Assert.False(eth.HasVlanTag);
        Assert.Equal(0, eth.VlanTci);
        Assert.Equal(EtherType.Ipv4, eth.EtherType);
        Assert.Equal(14, eth.HeaderLength);
        Assert.Equal(Captures.EchoRequest.Length - 14, eth.Payload.Length);
    }

    [Fact]
    public void Deconstruct_802_1Q()
    {
        Assert.True(EthernetView.TryCreate(Captures.VlanEcho, out var eth, out _));
        Assert.True(eth.HasVlanTag);
        Assert.Equal(EtherType.Vlan, eth.VlanTpid);
        Assert.Equal(0xA00A, eth.VlanTci);                 // PCP 5, DEI 0, VID 10
        Assert.Equal(EtherType.Ipv4, eth.EtherType);       // the type after the tag
        Assert.Equal(18, eth.HeaderLength);
        Assert.Equal(0x45, eth.Payload[0]);
    }

    [Fact]
    public void Construct_with_setters_reproduces_capture()
    {
        var buf = Captures.Junk(Captures.VlanEcho.Length);
        Captures.VlanEcho.AsSpan(18).CopyTo(buf.AsSpan(18));
        var eth = EthernetView.ForEmit(buf);
        eth.Destination = B;
        eth.Source = A;
        eth.SetVlanTpid(0x8100);
        eth.VlanTci = 0xA00A;
        eth.EtherType = EtherType.Ipv4;
        Assert.Equal(Captures.VlanEcho, buf);
    }

    [Fact]
    public void Parse_tagged_and_untagged()
    {
        Assert.True(EthernetView.TryCreate(Captures.VlanEcho, out var tagged, out _));
        Assert.True(EthernetRepr.TryParse(tagged, out var r, out _));
        Assert.Equal(new EthernetRepr(A, B, EtherType.Ipv4, 0xA00A), r);
        Assert.True(EthernetView.TryCreate(Captures.ArpRequest, out var untagged, out _));
        Assert.True(EthernetRepr.TryParse(untagged, out r, out _));
        Assert.Equal(new EthernetRepr(B, MacAddress.Broadcast, EtherType.Arp), r);
    }

    [Theory]
    [InlineData(nameof(Captures.VlanEcho))]
    [InlineData(nameof(Captures.ArpRequest))]
    public void Emit_into_junk_reproduces_capture(string name)
    {
        byte[] captured = Captures.All().Single(c => c.Name == name).Frame;
        Assert.True(EthernetView.TryCreate(captured, out var view, out _));
        EthernetRepr.TryParse(view, out var repr, out _);
        var buf = Captures.Junk(captured.Length);
        captured.AsSpan(repr.HeaderLength).CopyTo(buf.AsSpan(repr.HeaderLength));
        repr.Emit(EthernetView.ForEmit(buf));
        Assert.Equal(captured, buf);
        Assert.Equal(captured.Length, repr.BufferLength(captured.Length - repr.HeaderLength));
    }

    [Fact]
    public void Emit_untagged_over_a_stale_tag_puts_the_type_at_byte_12()
    {
        var buf = (byte[])Captures.VlanEcho.Clone();            // a reused buffer that held a tagged frame
        new EthernetRepr(A, B, EtherType.Arp).Emit(EthernetView.ForEmit(buf));
        Assert.Equal(new byte[] { 0x08, 0x06 }, buf[12..14]);
        Assert.True(EthernetView.TryCreate(buf, out var v, out _));
        Assert.False(v.HasVlanTag);
        Assert.Equal(EtherType.Arp, v.EtherType);
    }

    [Fact]
    public void Tag_without_its_four_bytes_is_truncated_with_the_field_named()
    {
        var frame = Captures.VlanEcho.AsSpan(0, 16).ToArray();
        Assert.False(EthernetView.TryCreate(frame, out _, out var error));
        Assert.Equal(new WireError(WireErrorKind.Truncated, 0, "eth.vlan", 18, 16), error);
        Assert.Equal("truncated at byte 0 (eth.vlan): need 18 bytes, have 16", error.ToString());
    }

    [Fact]
    public void Service_tag_0x88a8_is_read_like_a_customer_tag()
    {
        var frame = (byte[])Captures.VlanEcho.Clone();
        frame[12] = 0x88; frame[13] = 0xA8;
        Assert.True(EthernetView.TryCreate(frame, out var eth, out _));
        Assert.Equal(EtherType.QinQ, eth.VlanTpid);
        Assert.Equal(0xA00A, eth.VlanTci);
        Assert.Equal(EtherType.Ipv4, eth.EtherType);
        var key = default(FlowKey);
        var counters = default(ExtractCounters);
        FlowExtractor.Extract(frame, 1, ref key, ref counters);
        Assert.Equal(0xB00A, key.VlanTci);                      // as ovs-ofctl parse-pcap: dl_vlan=10,dl_vlan_pcp=5
    }
}
