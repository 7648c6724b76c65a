using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace MeshSim.Wire.Tests;

public class ChecksumTests
{
    /// <summary>RFC 1071 written the slow, obvious way: 16-bit big-endian words, odd byte padded, fold at the end.</summary>
    private static ushort Reference(ReadOnlySpan<byte> data, uint seed = 0)
    {
        ulong sum = seed;
        for (int i = 0; i < data.Length; i += 2)
            sum += (uint)(data[i] << 8 | (i + 1 < data.Length ? data[i + 1] : 0));
        while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    [Fact]
    public void Rfc1071_worked_example()
    {
        // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 (before complement).
        Assert.Equal(0xddf2u, Checksum.PartialSum(Captures.Hex("0001f203f4f5f6f7")));
    }

    [Theory]
    [InlineData(nameof(Captures.EchoRequest))]
    [InlineData(nameof(Captures.OptionsEcho))]
    [InlineData(nameof(Captures.PortUnreachable))]
    [InlineData(nameof(Captures.LaterFragment))]
    public void Captured_ipv4_headers_verify(string name)
    {
        var frame = Captures.All().Single(c => c.Name == name).Frame;
        int ihl = (frame[14] & 0x0F) * 4;
        Assert.True(Checksum.IsValid(frame.AsSpan(14, ihl)));
    }

    [Fact]
    public void Odd_lengths_pad_with_a_zero_byte()
    {
        Assert.Equal(Reference([0xAB]), Checksum.Compute([0xAB]));
        Assert.Equal(0x54FF, Checksum.Compute([0xAB]));             // ~0xAB00
    }

    [Property(MaxTest = 500)]
    public Property Fast_sum_equals_the_reference_at_any_alignment_and_length() =>
        // Up to 300 bytes: covers the scalar tail, the 16-byte loop and the 32-byte vector blocks.
        Prop.ForAll(WireGenerators.Payload(300).ToArbitrary(), Gen.Choose(0, 31).ToArbitrary(), (data, offset) =>
        {
            var padded = new byte[data.Length + offset];         // unaligned starts
            data.CopyTo(padded, offset);
            var span = padded.AsSpan(offset);
            return Checksum.Compute(span) == Reference(span) && Checksum.Compute(span, 0x1234) == Reference(span, 0x1234);
        });

    [Fact]
    public void Large_buffers_match_the_reference()
    {
        var rng = new Random(7);
        var data = new byte[65_535];
        rng.NextBytes(data);
        Assert.Equal(Reference(data), Checksum.Compute(data));
        data.AsSpan().Fill(0xFF);
        Assert.Equal(Reference(data), Checksum.Compute(data));
    }

    [Fact]
    public void Buffers_past_the_vector_flush_interval_match_the_reference()
    {
        // 65,536 blocks of 32 bytes is where the vectorised sum flushes its 32-bit lanes; go past it
        // with all-ones data (the largest lane sums) and with random data at an odd length.
        var ones = new byte[65_536 * 32 * 2 + 96];
        ones.AsSpan().Fill(0xFF);
        Assert.Equal(Reference(ones), Checksum.Compute(ones));
        var random = new byte[65_536 * 32 + 12_345];
        new Random(11).NextBytes(random);
        Assert.Equal(Reference(random), Checksum.Compute(random));
        Assert.Equal(Reference(random.AsSpan(3)), Checksum.Compute(random.AsSpan(3)));
    }

    private static Gen<byte[]> Ipv4Header =>
        from body in WireGenerators.U8.ArrayOf(20)
        select FilledHeader(body);

    private static byte[] FilledHeader(byte[] body)
    {
        var h = (byte[])body.Clone();
        h[0] = 0x45;
        h[10] = 0; h[11] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(10), Checksum.Compute(h));
        return h;
    }

    [Property(MaxTest = 1000)]
    public Property Incremental_address_rewrite_equals_recomputation() =>
        Prop.ForAll(Ipv4Header.ToArbitrary(), WireGenerators.U32.ToArbitrary(), (header, newAddress) =>
        {
            var h = (byte[])header.Clone();
            uint old = BinaryPrimitives.ReadUInt32BigEndian(h.AsSpan(12));
            BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(12), newAddress);
            ushort incremental = Checksum.Adjust(BinaryPrimitives.ReadUInt16BigEndian(h.AsSpan(10)), old, newAddress);
            h[10] = 0; h[11] = 0;
            return incremental == Checksum.Compute(h);
        });

    [Property(MaxTest = 1000)]
    public Property Incremental_16_bit_rewrite_equals_recomputation() =>
        Prop.ForAll(Ipv4Header.ToArbitrary(), WireGenerators.U16.ToArbitrary(), Gen.Choose(1, 9).ToArbitrary(), (header, newWord, wordIndex) =>
        {
            if (wordIndex == 5) wordIndex = 4;                  // word 5 is the checksum itself
            var h = (byte[])header.Clone();
            ushort old = BinaryPrimitives.ReadUInt16BigEndian(h.AsSpan(wordIndex * 2));
            BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(wordIndex * 2), newWord);
            ushort incremental = Checksum.Adjust(BinaryPrimitives.ReadUInt16BigEndian(h.AsSpan(10)), old, newWord);
            h[10] = 0; h[11] = 0;
            return incremental == Checksum.Compute(h);
        });

    [Property(MaxTest = 500)]
    public Property Udp_port_and_address_rewrites_keep_a_valid_checksum() =>
        Prop.ForAll(WireGenerators.U16.ToArbitrary(), WireGenerators.U32.ToArbitrary(), WireGenerators.Payload(64).ToArbitrary(), (newPort, newSrc, payload) =>
        {
            var src = Ipv4Address.Parse("10.0.0.1"); var dst = Ipv4Address.Parse("10.0.0.2");
            var buf = new byte[8 + payload.Length];
            payload.CopyTo(buf, 8);
            new UdpRepr(1234, 53, payload.Length).Emit(UdpView.ForEmit(buf), src, dst, ChecksumMode.Fill);
            var udp = UdpView.ForEmit(buf);
            // NAT: rewrite the source port and the (pseudo-header) source address in place.
            udp.Checksum = Checksum.AdjustUdp(udp.Checksum, udp.SourcePort, newPort);
            udp.SourcePort = newPort;
            udp.Checksum = Checksum.AdjustUdp(udp.Checksum, src.Value, newSrc);
            var recomputed = (byte[])buf.Clone();
            UdpView.ForEmit(recomputed).FillChecksum(new Ipv4Address(newSrc), dst);
            return udp.Checksum != 0 && udp.VerifyChecksum(new Ipv4Address(newSrc), dst)
                && udp.Checksum == UdpView.ForEmit(recomputed).Checksum;
        });

    [Fact]
    public void Udp_zero_checksum_stays_zero_when_adjusted()
    {
        Assert.Equal(0, Checksum.AdjustUdp(0, (ushort)80, (ushort)8080));
        Assert.Equal(0, Checksum.AdjustUdp(0, 0x0A000001u, 0x0A000002u));
    }

    [Fact]
    public void Udp_adjust_that_lands_on_zero_sends_ffff()
    {
        // ~(~HC + ~m + m') = 0 when ~HC + ~m + m' = 0xFFFF: take HC = 0xFFFF (sum 0), m = 0, m' = 0xFFFF.
        Assert.Equal(0, Checksum.Adjust(0xFFFF, (ushort)0, (ushort)0xFFFF));
        Assert.Equal(0xFFFF, Checksum.AdjustUdp(0xFFFF, (ushort)0, (ushort)0xFFFF));
    }

    [Fact]
    public void Pseudo_header_sum_of_a_captured_loopback_segment()
    {
        // Linux put exactly this partial sum in the TCP checksum field (offload), see TcpTests.
        Assert.Equal(0xfe30u, Checksum.PseudoHeaderSum(Ipv4Address.Parse("127.0.0.1"), Ipv4Address.Parse("127.0.0.1"), IpProtocol.Tcp, 40));
    }

    [Fact]
    public void Nat_rewrite_of_a_captured_echo_keeps_the_ip_checksum_valid()
    {
        var frame = Captures.EchoRequest;
        var ip = frame.AsSpan(14, 20);
        var newSrc = Ipv4Address.Parse("192.168.100.7");
        ushort adjusted = Checksum.Adjust(BinaryPrimitives.ReadUInt16BigEndian(ip[10..]), Ipv4Address.Read(ip[12..]), newSrc);
        newSrc.Write(ip[12..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], adjusted);
        Assert.True(Checksum.IsValid(ip));
    }
}
