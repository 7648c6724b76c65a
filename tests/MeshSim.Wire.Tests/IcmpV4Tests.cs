namespace MeshSim.Wire.Tests;

public class IcmpV4Tests
{
    private static readonly byte[] EchoData = Enumerable.Range(0x10, 24).Select(i => (byte)i).ToArray();

    private static byte[] Message(byte[] frame) => frame[34..];

    [Fact]
    public void Deconstruct_echo_request()
    {
        Assert.True(IcmpV4View.TryCreate(Message(Captures.EchoRequest), out var icmp, out _));
        Assert.Equal(IcmpV4Type.EchoRequest, icmp.Type);
        Assert.Equal(0, icmp.Code);
        Assert.Equal(0xa079, icmp.Checksum);
        Assert.Equal(0x1234, icmp.Identifier);
        Assert.Equal(1, icmp.SequenceNumber);
        Assert.Equal(EchoData, icmp.Payload.ToArray());
        Assert.True(icmp.VerifyChecksum());
    }

    [Fact]
    public void Deconstruct_port_unreachable_quoting_the_datagram()
    {
        Assert.True(IcmpV4View.TryCreate(Message(Captures.PortUnreachable), out var icmp, out _));
        Assert.Equal(IcmpV4Type.DestinationUnreachable, icmp.Type);
        Assert.Equal(IcmpV4Unreachable.Port, icmp.Code);
        Assert.True(icmp.VerifyChecksum());
        Assert.Equal(Captures.Udp[14..], icmp.Payload.ToArray());   // Linux quotes the whole (short) datagram
        Assert.True(Ipv4View.TryCreate(icmp.Payload, out var quoted, out _));
        Assert.Equal(IpProtocol.Udp, quoted.Protocol);
    }

    [Fact]
    public void Construct_echo_reply()
    {
        var expected = Message(Captures.EchoReply);
        var buf = Captures.Junk(expected.Length);
        var icmp = IcmpV4View.ForEmit(buf);
        EchoData.CopyTo(icmp.Payload);
        icmp.Type = IcmpV4Type.EchoReply; icmp.Code = 0; icmp.Identifier = 0x1234; icmp.SequenceNumber = 1;
        icmp.FillChecksum();
        Assert.Equal(expected, buf);
    }

    [Fact]
    public void Parse()
    {
        Assert.True(IcmpV4View.TryCreate(Message(Captures.EchoRequest), out var icmp, out _));
        Assert.True(IcmpV4Repr.TryParse(icmp, ChecksumMode.Verify, out var repr, out _));
        Assert.Equal(IcmpV4Repr.EchoRequest(0x1234, 1, 24), repr);
        Assert.True(repr.IsEcho);

        Assert.True(IcmpV4View.TryCreate(Message(Captures.PortUnreachable), out icmp, out _));
        Assert.True(IcmpV4Repr.TryParse(icmp, ChecksumMode.Verify, out repr, out _));
        Assert.Equal(IcmpV4Repr.DestinationUnreachable(IcmpV4Unreachable.Port, 39), repr);
    }

    [Theory]
    [InlineData(nameof(Captures.EchoRequest))]
    [InlineData(nameof(Captures.EchoReply))]
    [InlineData(nameof(Captures.PortUnreachable))]
    public void Emit(string name)
    {
        var expected = Message(Captures.All().Single(c => c.Name == name).Frame);
        Assert.True(IcmpV4View.TryCreate((byte[])expected.Clone(), out var parsedView, out _));
        IcmpV4Repr.TryParse(parsedView, ChecksumMode.Verify, out var repr, out _);
        var buf = Captures.Junk(repr.BufferLength);
        expected.AsSpan(8).CopyTo(buf.AsSpan(8));
        repr.Emit(IcmpV4View.ForEmit(buf), ChecksumMode.Fill);
        Assert.Equal(expected, buf);
    }

    [Fact]
    public void Fragmentation_needed_carries_the_mtu()
    {
        var repr = IcmpV4Repr.DestinationUnreachable(IcmpV4Unreachable.FragmentationNeeded, 28, nextHopMtu: 1450);
        var buf = Captures.Junk(repr.BufferLength);
        buf.AsSpan(8).Clear();
        repr.Emit(IcmpV4View.ForEmit(buf), ChecksumMode.Fill);
        Assert.True(IcmpV4View.TryCreate(buf, out var v, out _));
        Assert.Equal(1450, v.NextHopMtu);
        Assert.Equal(0, v.Identifier);                          // the unused half is zero
        Assert.True(v.VerifyChecksum());
    }

    [Fact]
    public void Wrong_checksum_names_the_field()
    {
        var m = Message(Captures.EchoRequest);
        m[20] ^= 0xFF;                                          // a data byte
        Assert.True(IcmpV4View.TryCreate(m, out var icmp, out _));
        Assert.False(IcmpV4Repr.TryParse(icmp, ChecksumMode.Verify, out _, out var error));
        Assert.Equal(WireError.BadField(2, "icmp.checksum"), error);
    }
}
