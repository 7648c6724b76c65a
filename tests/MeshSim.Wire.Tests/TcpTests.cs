using System.Buffers.Binary;

namespace MeshSim.Wire.Tests;

public class TcpTests
{
    private static readonly Ipv4Address Lo = Ipv4Address.Parse("127.0.0.1");

    private static readonly TcpRepr SynRepr = new(33920, 18080, 0x44befad7, 0, TcpFlags.Syn, 65495,
        new TcpOptions(MaxSegmentSize: 65495, WindowScale: 10, SackPermitted: true, Timestamp: (0x800713b1u, 0u)));

    private static readonly TcpRepr GetRepr = new(33920, 18080, 0x44befad8, 0x2a08aba0, TcpFlags.Psh | TcpFlags.Ack, 64,
        new TcpOptions(Timestamp: (0x800713b1u, 0xbb4374b9u)), PayloadLength: 95);

    private static byte[] Segment(byte[] frame) => frame[34..];

    /// <summary>The segment as a correct sender would put it on the wire: the checksum that tshark
    /// computed for the capture (the captured field holds only the offloaded pseudo-header sum).</summary>
    private static byte[] WithChecksum(byte[] segment, ushort checksum)
    {
        var s = (byte[])segment.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(s.AsSpan(16), checksum);
        return s;
    }

    [Fact]
    public void Deconstruct_syn()
    {
        Assert.True(TcpView.TryCreate(Segment(Captures.TcpSyn), out var tcp, out var error), error.ToString());
        Assert.Equal(33920, tcp.SourcePort);
        Assert.Equal(18080, tcp.DestinationPort);
        Assert.Equal(0x44befad7u, tcp.SequenceNumber);
        Assert.Equal(0u, tcp.AcknowledgmentNumber);
        Assert.Equal(40, tcp.HeaderLength);
        Assert.Equal(TcpFlags.Syn, tcp.Flags);
        Assert.True(tcp.Syn);
        Assert.False(tcp.Ack);
        Assert.Equal(65495, tcp.WindowSize);
        Assert.Equal(0xfe30, tcp.Checksum);
        Assert.Equal(0, tcp.UrgentPointer);
        Assert.Equal(20, tcp.Options.Length);
        Assert.Equal(0, tcp.Payload.Length);
    }

    [Fact]
    public void Offloaded_checksum_field_is_exactly_our_pseudo_header_sum()
    {
        // Linux leaves the pseudo-header sum in the field for the NIC (CHECKSUM_PARTIAL); loopback sends it as is.
        var seg = Segment(Captures.TcpHttpGet);
        Assert.Equal((uint)BinaryPrimitives.ReadUInt16BigEndian(seg.AsSpan(16)), Checksum.PseudoHeaderSum(Lo, Lo, IpProtocol.Tcp, seg.Length));
    }

    [Fact]
    public void Options_of_a_linux_syn()
    {
        Assert.True(TcpView.TryCreate(Segment(Captures.TcpSyn), out var tcp, out _));
        Assert.True(TcpOptions.TryParse(tcp.Options, out var options, out var error), error.ToString());
        Assert.Equal(SynRepr.Options, options);
    }

    [Fact]
    public void Deconstruct_data_segment()
    {
        Assert.True(TcpView.TryCreate(Segment(Captures.TcpHttpGet), out var tcp, out _));
        Assert.Equal(TcpFlags.Psh | TcpFlags.Ack, tcp.Flags);
        Assert.Equal(32, tcp.HeaderLength);
        Assert.StartsWith("GET /nonexistent-wire HTTP/1.1\r\n", System.Text.Encoding.ASCII.GetString(tcp.Payload));
        Assert.Equal(95, tcp.Payload.Length);
    }

    [Fact]
    public void Construct_data_segment()
    {
        var expected = WithChecksum(Segment(Captures.TcpHttpGet), 0xf41c);
        var buf = Captures.Junk(expected.Length);
        expected.AsSpan(32).CopyTo(buf.AsSpan(32));
        var tcp = TcpView.ForEmit(buf);
        tcp.SourcePort = 33920; tcp.DestinationPort = 18080; tcp.SequenceNumber = 0x44befad8; tcp.AcknowledgmentNumber = 0x2a08aba0;
        tcp.HeaderLength = 32; tcp.Flags = TcpFlags.Psh | TcpFlags.Ack; tcp.WindowSize = 64; tcp.UrgentPointer = 0;
        new TcpOptions(Timestamp: (0x800713b1u, 0xbb4374b9u)).Emit(tcp.Options);
        tcp.FillChecksum(Lo, Lo);
        Assert.Equal(expected, buf);
    }

    [Theory]
    [InlineData(nameof(Captures.TcpSyn), 0xb18f)]
    [InlineData(nameof(Captures.TcpHttpGet), 0xf41c)]
    public void Parse(string name, int tsharkChecksum)
    {
        var seg = Segment(Captures.All().Single(c => c.Name == name).Frame);
        var expected = name == nameof(Captures.TcpSyn) ? SynRepr : GetRepr;
        Assert.True(TcpView.TryCreate(seg, out var offloaded, out _));
        Assert.True(TcpRepr.TryParse(offloaded, Lo, Lo, ChecksumMode.Fill, out var repr, out _));
        Assert.Equal(expected, repr);
        Assert.False(TcpRepr.TryParse(offloaded, Lo, Lo, ChecksumMode.Verify, out _, out var error));
        Assert.Equal(WireError.BadField(16, "tcp.checksum"), error);

        Assert.True(TcpView.TryCreate(WithChecksum(seg, (ushort)tsharkChecksum), out var correct, out _));
        Assert.True(TcpRepr.TryParse(correct, Lo, Lo, ChecksumMode.Verify, out repr, out error), error.ToString());
        Assert.Equal(expected, repr);
    }

    [Theory]
    [InlineData(nameof(Captures.TcpSyn), 0xb18f)]
    [InlineData(nameof(Captures.TcpHttpGet), 0xf41c)]
    public void Emit_matches_capture_with_tsharks_checksum(string name, int tsharkChecksum)
    {
        var seg = Segment(Captures.All().Single(c => c.Name == name).Frame);
        var repr = name == nameof(Captures.TcpSyn) ? SynRepr : GetRepr;
        var buf = Captures.Junk(repr.BufferLength);
        seg.AsSpan(repr.HeaderLength).CopyTo(buf.AsSpan(repr.HeaderLength));
        repr.Emit(TcpView.ForEmit(buf), Lo, Lo, ChecksumMode.Fill);
        Assert.Equal(WithChecksum(seg, (ushort)tsharkChecksum), buf);
    }

    [Theory]
    [InlineData("0204ffd7", 65495, null, false, false)]
    [InlineData("01010402", null, null, true, false)]
    [InlineData("0101080a0000000100000002", null, null, false, true)]
    [InlineData("01030307", null, (byte)7, false, false)]
    [InlineData("020405b4050a00000001000000020000", 1460, null, false, false)]   // a SACK block is not SACK-permitted
    [InlineData("0204ffff00a5a5a5", 65535, null, false, false)]                  // EOL: the rest is ignored
    public void Option_lists(string hex, int? mss, byte? ws, bool sack, bool ts)
    {
        Assert.True(TcpOptions.TryParse(Captures.Hex(hex), out var o, out var error), error.ToString());
        Assert.Equal(mss is null ? null : (ushort)mss, o.MaxSegmentSize);
        Assert.Equal(ws, o.WindowScale);
        Assert.Equal(sack, o.SackPermitted);
        Assert.Equal(ts, o.Timestamp.HasValue);
    }

    [Fact]
    public void Linux_data_segment_with_timestamps_and_two_sack_blocks_round_trips()
    {
        // As Linux writes them (tcp_options_write): NOP NOP TS, then NOP NOP SACK, most recent block first.
        var hex = "0101080a0012d687000a2f5e" + "01010512" + "000007d0000009c4" + "000003e8000005dc";
        Assert.True(TcpOptions.TryParse(Captures.Hex(hex), out var o, out var error), error.ToString());
        Assert.Equal((0x0012d687u, 0x000a2f5eu), o.Timestamp);
        Assert.Equal(2, o.Sack.Count);
        Assert.Equal((2000u, 2500u), o.Sack[0]);
        Assert.Equal((1000u, 1500u), o.Sack[1]);
        var buf = new byte[o.Length];
        Assert.Equal(hex.Length / 2, o.Emit(buf));
        Assert.Equal(Captures.Hex(hex), buf);
    }

    [Theory]
    [InlineData("01010503000000", WireErrorKind.BadField, 3)]   // SACK: 2 + 8n bytes
    [InlineData("0200", WireErrorKind.BadField, 1)]           // length 0 would loop forever
    [InlineData("01010201", WireErrorKind.BadField, 3)]       // length 1
    [InlineData("0203ff00", WireErrorKind.BadField, 1)]       // MSS must be 4 long
    [InlineData("080a0000", WireErrorKind.Truncated, 0)]      // timestamps running past the list
    [InlineData("010102", WireErrorKind.Truncated, 2)]        // kind without a length byte
    public void Malformed_option_lists_say_where(string hex, WireErrorKind kind, int offset)
    {
        Assert.False(TcpOptions.TryParse(Captures.Hex(hex), out _, out var error));
        Assert.Equal(kind, error.Kind);
        Assert.Equal(offset, error.Offset);
    }

    [Fact]
    public void Option_errors_are_reported_relative_to_the_tcp_header()
    {
        var seg = Segment(Captures.TcpSyn);
        seg[21] = 0;                                            // MSS option length
        Assert.True(TcpView.TryCreate(seg, out var tcp, out _));
        Assert.False(TcpRepr.TryParse(tcp, Lo, Lo, ChecksumMode.Fill, out _, out var error));
        Assert.Equal(21, error.Offset);
    }

    [Fact]
    public void Data_offset_below_five_is_a_bad_field()
    {
        var seg = Segment(Captures.TcpFin);
        seg[12] = 0x40;
        Assert.False(TcpView.TryCreate(seg, out _, out var error));
        Assert.Equal(WireError.BadField(12, "tcp.data_offset (expected >= 5)"), error);
    }

    [Fact]
    public void Flags_setter_keeps_data_offset_and_text_matches_tcpdump()
    {
        Assert.True(TcpView.TryCreate(Segment(Captures.TcpFin), out var tcp, out _));
        Assert.Equal(TcpFlags.Fin | TcpFlags.Ack, tcp.Flags);
        Assert.Equal("F.", TcpView.FlagText(tcp.Flags));
        tcp.Flags = TcpFlags.Rst;
        Assert.Equal(32, tcp.HeaderLength);
        Assert.Equal("R", TcpView.FlagText(tcp.Flags));
    }
}
