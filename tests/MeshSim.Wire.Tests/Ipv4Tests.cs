namespace MeshSim.Wire.Tests;

public class Ipv4Tests
{
    private static readonly Ipv4Address IpA = Ipv4Address.Parse("10.77.0.1"), IpB = Ipv4Address.Parse("10.77.0.2");
    private static readonly Ipv4Repr EchoRequestRepr = new(IpA, IpB, IpProtocol.Icmp, PayloadLength: 32, Ttl: 64, Identification: 0x09b0, DontFragment: true);

    private static byte[] Packet(byte[] frame, int l2 = 14) => frame[l2..];

    [Fact]
    public void Deconstruct()
    {
        Assert.True(Ipv4View.TryCreate(Packet(Captures.EchoRequest), out var ip, out var error), error.ToString());
        Assert.Equal(4, ip.Version);
        Assert.Equal(20, ip.HeaderLength);
        Assert.Equal(0, ip.Tos);
        Assert.Equal(52, ip.TotalLength);
        Assert.Equal(0x09b0, ip.Identification);
        Assert.True(ip.DontFragment);
        Assert.False(ip.MoreFragments);
        Assert.Equal(0, ip.FragmentOffset);
        Assert.False(ip.IsFragment);
        Assert.Equal(64, ip.Ttl);
        Assert.Equal(IpProtocol.Icmp, ip.Protocol);
        Assert.Equal(0x1c7d, ip.Checksum);
        Assert.Equal(IpA, ip.Source);
        Assert.Equal(IpB, ip.Destination);
        Assert.True(ip.VerifyChecksum());
        Assert.Equal(32, ip.Payload.Length);
        Assert.Equal(0, ip.Options.Length);
    }

    [Fact]
    public void Deconstruct_tos_of_the_icmp_error()
    {
        Assert.True(Ipv4View.TryCreate(Packet(Captures.PortUnreachable), out var ip, out _));
        Assert.Equal(0xC0, ip.Tos);
        Assert.Equal(48, ip.Dscp);                             // CS6, what Linux uses for ICMP errors
        Assert.Equal(0, ip.Ecn);
        Assert.True(ip.VerifyChecksum());
    }

    [Fact]
    public void Deconstruct_options()
    {
        Assert.True(Ipv4View.TryCreate(Packet(Captures.OptionsEcho), out var ip, out _));
        Assert.Equal(32, ip.HeaderLength);
        Assert.Equal(Captures.Hex("070b080a4d00010000000000"), ip.Options.ToArray());
        Assert.Equal(7, ip.Options[0]);                        // record route
        Assert.Equal(47 - 32, ip.Payload.Length);
        Assert.Equal(IcmpV4Type.EchoRequest, ip.Payload[0]);
        Assert.True(ip.VerifyChecksum());                      // the checksum covers the options
    }

    [Fact]
    public void Deconstruct_fragments()
    {
        Assert.True(Ipv4View.TryCreate(Packet(Captures.LaterFragment), out var later, out _));
        Assert.True(later.IsFragment);
        Assert.False(later.MoreFragments);
        Assert.Equal(1480, later.FragmentOffset);
        Assert.Equal(128, later.Payload.Length);
        Assert.True(later.VerifyChecksum());

        var first = Packet(Captures.FirstFragmentCut);
        Assert.False(Ipv4View.TryCreate(first, out var firstView, out var error));
        Assert.Equal(new WireError(WireErrorKind.Truncated, 0, "ipv4.total_length", 1500, first.Length), error);
        Assert.True(firstView.MoreFragments);                  // header fields still readable: 20 bytes are there
        Assert.Equal(0, firstView.FragmentOffset);
    }

    [Fact]
    public void Ethernet_padding_is_not_payload()
    {
        var padded = Packet(Captures.Udp).Concat(new byte[7]).ToArray();
        Assert.True(Ipv4View.TryCreate(padded, out var ip, out _));
        Assert.Equal(0x27 - 20, ip.Payload.Length);
    }

    [Fact]
    public void Construct()
    {
        var expected = Packet(Captures.EchoRequest);
        var buf = Captures.Junk(expected.Length);
        expected.AsSpan(20).CopyTo(buf.AsSpan(20));
        var ip = Ipv4View.ForEmit(buf);
        ip.HeaderLength = 20; ip.Tos = 0; ip.TotalLength = 52; ip.Identification = 0x09b0;
        ip.FlagsAndFragmentOffset = 0; ip.DontFragment = true;
        ip.Ttl = 64; ip.Protocol = IpProtocol.Icmp; ip.Source = IpA; ip.Destination = IpB;
        ip.FillChecksum();
        Assert.Equal(expected, buf);
    }

    [Fact]
    public void Parse()
    {
        Assert.True(Ipv4View.TryCreate(Packet(Captures.EchoRequest), out var ip, out _));
        Assert.True(Ipv4Repr.TryParse(ip, ChecksumMode.Verify, out var repr, out var error), error.ToString());
        Assert.Equal(EchoRequestRepr, repr);
    }

    [Fact]
    public void Parse_fragment_fields()
    {
        Assert.True(Ipv4View.TryCreate(Packet(Captures.LaterFragment), out var ip, out _));
        Assert.True(Ipv4Repr.TryParse(ip, ChecksumMode.Verify, out var repr, out _));
        Assert.Equal(new Ipv4Repr(IpA, IpB, IpProtocol.Icmp, 128, 64, 0, 0x119a, false, false, 1480), repr);
    }

    [Fact]
    public void Emit()
    {
        var expected = Packet(Captures.EchoRequest);
        var buf = Captures.Junk(EchoRequestRepr.BufferLength);
        expected.AsSpan(20).CopyTo(buf.AsSpan(20));
        EchoRequestRepr.Emit(Ipv4View.ForEmit(buf), ChecksumMode.Fill);
        Assert.Equal(expected, buf);
    }

    [Fact]
    public void Emit_with_ignore_leaves_checksum_zero()
    {
        var buf = Captures.Junk(EchoRequestRepr.BufferLength);
        EchoRequestRepr.Emit(Ipv4View.ForEmit(buf), ChecksumMode.Ignore);
        Assert.Equal(0, buf[10]);
        Assert.Equal(0, buf[11]);
    }

    [Fact]
    public void Wrong_checksum_is_rejected_only_in_verify_mode()
    {
        var p = Packet(Captures.EchoRequest);
        p[11] ^= 1;
        Assert.True(Ipv4View.TryCreate(p, out var ip, out _));
        Assert.False(Ipv4Repr.TryParse(ip, ChecksumMode.Verify, out _, out var error));
        Assert.Equal(WireError.BadField(10, "ipv4.checksum"), error);
        Assert.True(Ipv4Repr.TryParse(ip, ChecksumMode.Fill, out _, out _));
    }

    [Theory]
    [InlineData(0, 0x65, WireErrorKind.BadField, 0, "ipv4.version (expected 4)")]
    [InlineData(0, 0x44, WireErrorKind.BadField, 0, "ipv4.ihl (expected >= 5)")]
    [InlineData(0, 0x4F, WireErrorKind.Truncated, 0, "ipv4.options")]
    [InlineData(3, 0x13, WireErrorKind.BadField, 2, "ipv4.total_length (expected >= header length)")]
    [InlineData(3, 0x35, WireErrorKind.Truncated, 0, "ipv4.total_length")]
    public void Inconsistent_headers_name_field_and_offset(int index, byte value, WireErrorKind kind, int offset, string field)
    {
        var p = Packet(Captures.EchoRequest);
        p[index] = value;
        Assert.False(Ipv4View.TryCreate(p, out _, out var error));
        Assert.Equal(kind, error.Kind);
        Assert.Equal(offset, error.Offset);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Fragment_setters_keep_the_other_bits()
    {
        var p = Packet(Captures.EchoRequest);                   // DF set, offset 0
        var ip = Ipv4View.ForEmit(p);
        ip.MoreFragments = true;
        ip.FragmentOffset = 1480;
        Assert.True(ip.DontFragment);
        Assert.True(ip.MoreFragments);
        Assert.Equal(1480, ip.FragmentOffset);
        Assert.Equal(0x6000 | 185, ip.FlagsAndFragmentOffset);
        ip.DontFragment = false;
        Assert.Equal(0x2000 | 185, ip.FlagsAndFragmentOffset);
    }
}
