using System.Buffers.Binary;

namespace MeshSim.Wire.Tests;

public class UdpTests
{
    private static readonly Ipv4Address Lo = Ipv4Address.Parse("127.0.0.1");
    private static readonly UdpRepr Repr = new(57305, 19999, 11);
    private const ushort TsharkChecksum = 0x9c0b;               // tshark's computed value for the capture

    private static byte[] Datagram() => Captures.Udp[34..];
    private static byte[] DatagramWithChecksum(ushort c) { var d = Datagram(); BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(6), c); return d; }

    [Fact]
    public void Deconstruct()
    {
        Assert.True(UdpView.TryCreate(Datagram(), out var udp, out _));
        Assert.Equal(57305, udp.SourcePort);
        Assert.Equal(19999, udp.DestinationPort);
        Assert.Equal(19, udp.Length);
        Assert.Equal(0xfe26, udp.Checksum);                     // offloaded: the pseudo-header sum
        Assert.Equal("hello wire\n"u8.ToArray(), udp.Payload.ToArray());
        Assert.Equal(0xfe26u, Checksum.PseudoHeaderSum(Lo, Lo, IpProtocol.Udp, 19));
    }

    [Fact]
    public void Construct()
    {
        var buf = Captures.Junk(19);
        "hello wire\n"u8.CopyTo(buf.AsSpan(8));
        var udp = UdpView.ForEmit(buf);
        udp.SourcePort = 57305; udp.DestinationPort = 19999; udp.Length = 19;
        udp.FillChecksum(Lo, Lo);
        Assert.Equal(DatagramWithChecksum(TsharkChecksum), buf);
    }

    [Fact]
    public void Parse()
    {
        Assert.True(UdpView.TryCreate(DatagramWithChecksum(TsharkChecksum), out var udp, out _));
        Assert.True(UdpRepr.TryParse(udp, Lo, Lo, ChecksumMode.Verify, out var repr, out var error), error.ToString());
        Assert.Equal(Repr, repr);
    }

    [Fact]
    public void Emit()
    {
        var buf = Captures.Junk(Repr.BufferLength);
        "hello wire\n"u8.CopyTo(buf.AsSpan(8));
        Repr.Emit(UdpView.ForEmit(buf), Lo, Lo, ChecksumMode.Fill);
        Assert.Equal(DatagramWithChecksum(TsharkChecksum), buf);
    }

    [Fact]
    public void Zero_checksum_means_none_and_verifies()
    {
        Assert.True(UdpView.TryCreate(DatagramWithChecksum(0), out var udp, out _));
        Assert.True(UdpRepr.TryParse(udp, Lo, Lo, ChecksumMode.Verify, out _, out _));
        Assert.True(UdpView.TryCreate(Datagram(), out var offloaded, out _));
        Assert.False(UdpRepr.TryParse(offloaded, Lo, Lo, ChecksumMode.Verify, out _, out _));   // 0xfe26 is not a full checksum
    }

    [Fact]
    public void A_computed_zero_is_sent_as_ffff()
    {
        // Choose the payload so that the sum comes out all ones (checksum 0): solve for the last word.
        var buf = new byte[10];
        var udp = UdpView.ForEmit(buf);
        udp.SourcePort = 1000; udp.DestinationPort = 2000; udp.Length = 10;
        uint partial = Checksum.PartialSum(buf, Checksum.PseudoHeaderSum(Lo, Lo, IpProtocol.Udp, 10));
        BinaryPrimitives.WriteUInt16BigEndian(buf.AsSpan(8), (ushort)~partial);  // makes the total 0xFFFF
        Assert.Equal(0, Checksum.Compute(buf, Checksum.PseudoHeaderSum(Lo, Lo, IpProtocol.Udp, 10)));
        udp.FillChecksum(Lo, Lo);
        Assert.Equal(0xFFFF, udp.Checksum);
        Assert.True(udp.VerifyChecksum(Lo, Lo));                // 0xFFFF is a valid "-0"
    }

    [Theory]
    [InlineData(7, WireErrorKind.BadField, 4, "udp.length (expected >= 8)")]
    [InlineData(20, WireErrorKind.Truncated, 0, "udp.length")]
    public void Length_field_inconsistent_with_buffer(int length, WireErrorKind kind, int offset, string field)
    {
        var d = Datagram();
        BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(4), (ushort)length);
        Assert.False(UdpView.TryCreate(d, out _, out var error));
        Assert.Equal((kind, offset, field), (error.Kind, error.Offset, error.Field));
    }

    [Fact]
    public void Destination_port_zero_is_rejected()
    {
        var d = DatagramWithChecksum(0);
        d[2] = 0; d[3] = 0;
        Assert.True(UdpView.TryCreate(d, out var udp, out _));
        Assert.False(UdpRepr.TryParse(udp, Lo, Lo, ChecksumMode.Ignore, out _, out var error));
        Assert.Equal(2, error.Offset);
    }
}
