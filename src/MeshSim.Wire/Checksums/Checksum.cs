using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MeshSim.Wire;

/// <summary>The internet checksum (RFC 1071) over spans, the IPv4 pseudo-header sum, and the
/// RFC 1624 incremental update used when a switch rewrites an address or a port in place.</summary>
/// <remarks>
/// A "partial sum" here is a ones' complement sum folded to 16 bits (0..0xFFFF), in network
/// order, not yet complemented. Sums can be chained by passing one as the next call's seed.
/// </remarks>
public static class Checksum
{
    /// <summary>Ones' complement sum of <paramref name="data"/> (odd length padded with a zero
    /// byte), added to <paramref name="seed"/>, folded to 16 bits, not complemented.</summary>
    public static uint PartialSum(ReadOnlySpan<byte> data, uint seed = 0)
    {
        // The ones' complement sum does not depend on byte order (RFC 1071 §2(B)): sum native
        // 32-bit words into 64 bits (no carry can be lost below 2^32 words), swap once at the end.
        ulong sum = 0;
        ref byte start = ref MemoryMarshal.GetReference(data);
        int i = 0, n = data.Length;
        if (Vector256.IsHardwareAccelerated && n >= 64) sum = SumVector256(ref start, n, out i);
        for (; i + 16 <= n; i += 16)
        {
            sum += (ulong)Unsafe32(ref start, i) + Unsafe32(ref start, i + 4)
                 + Unsafe32(ref start, i + 8) + Unsafe32(ref start, i + 12);
        }
        for (; i + 4 <= n; i += 4) sum += Unsafe32(ref start, i);
        if (i + 2 <= n) { sum += MemoryMarshal.Read<ushort>(data.Slice(i, 2)); i += 2; }
        if (i < n) sum += BitConverter.IsLittleEndian ? data[i] : (uint)data[i] << 8;

        ushort native = (ushort)Fold(sum);
        uint network = BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(native) : native;
        return Fold((ulong)network + seed);
    }

    /// <summary>The checksum field value for <paramref name="data"/>: the complement of its
    /// partial sum (with <paramref name="seed"/>, e.g. a pseudo-header sum).</summary>
    public static ushort Compute(ReadOnlySpan<byte> data, uint seed = 0) => (ushort)~PartialSum(data, seed);

    /// <summary>True when <paramref name="data"/>, checksum field included, sums to all ones.</summary>
    public static bool IsValid(ReadOnlySpan<byte> data, uint seed = 0) => PartialSum(data, seed) == 0xFFFF;

    /// <summary>Partial sum of the IPv4 pseudo-header that TCP and UDP checksums cover
    /// (source, destination, zero, protocol, L4 length).</summary>
    public static uint PseudoHeaderSum(Ipv4Address source, Ipv4Address destination, byte protocol, int l4Length)
    {
        ulong sum = (source.Value >> 16) + (source.Value & 0xFFFF)
                  + (destination.Value >> 16) + (destination.Value & 0xFFFF)
                  + protocol + (uint)(ushort)l4Length;
        return Fold(sum);
    }

    /// <summary>RFC 1624 eqn. 3: the checksum after one 16-bit word of the covered data
    /// changed from <paramref name="oldWord"/> to <paramref name="newWord"/>:
    /// HC' = ~(~HC + ~m + m').</summary>
    /// <remarks>Eqn. 3 (unlike eqn. 2 of RFC 1141) never produces a -0 from a +0 sum, so it
    /// agrees with recomputation whenever the covered data has a non-zero word elsewhere
    /// (true for every IPv4 header: its version nibble).</remarks>
    public static ushort Adjust(ushort checksum, ushort oldWord, ushort newWord)
    {
        uint sum = (uint)(ushort)~checksum + (ushort)~oldWord + newWord;
        return (ushort)~Fold(sum);
    }

    /// <summary>RFC 1624 update for a changed 32-bit field (an IPv4 address), as two 16-bit words.</summary>
    public static ushort Adjust(ushort checksum, uint oldValue, uint newValue)
    {
        ulong sum = (ulong)(ushort)~checksum
                  + (ushort)~(oldValue >> 16) + (ushort)~(oldValue & 0xFFFF)
                  + (newValue >> 16) + (newValue & 0xFFFF);
        return (ushort)~Fold(sum);
    }

    /// <summary>RFC 1624 update for a rewritten IPv4 address.</summary>
    public static ushort Adjust(ushort checksum, Ipv4Address oldAddress, Ipv4Address newAddress) =>
        Adjust(checksum, oldAddress.Value, newAddress.Value);

    /// <summary>UDP's rule for a checksum about to be sent: a computed 0 goes out as 0xFFFF,
    /// because 0 on the wire means "no checksum" (RFC 768).</summary>
    public static ushort UdpOnWire(ushort computed) => computed == 0 ? (ushort)0xFFFF : computed;

    /// <summary>Incremental update of a UDP checksum: 0 ("none") stays 0; a result of 0 is sent
    /// as 0xFFFF (OVS does the same in packet_set_ipv4_addr / packet_set_udp_port).</summary>
    public static ushort AdjustUdp(ushort checksum, ushort oldWord, ushort newWord) =>
        checksum == 0 ? (ushort)0 : UdpOnWire(Adjust(checksum, oldWord, newWord));

    /// <summary>Incremental update of a UDP checksum for a rewritten 32-bit field (address); see
    /// <see cref="AdjustUdp(ushort, ushort, ushort)"/>.</summary>
    public static ushort AdjustUdp(ushort checksum, uint oldValue, uint newValue) =>
        checksum == 0 ? (ushort)0 : UdpOnWire(Adjust(checksum, oldValue, newValue));

    /// <summary>Folds carries back in until the sum fits in 16 bits (end-around carry).</summary>
    public static uint Fold(ulong sum)
    {
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (uint)sum;
    }

    /// <summary>Sums whole 32-byte blocks: each 32-bit lane accumulates its low and high 16-bit
    /// halves separately, so a lane cannot overflow within 65,536 blocks; longer inputs are
    /// flushed into the 64-bit total block by block. Returns the sum and how many bytes it covered.</summary>
    private static ulong SumVector256(ref byte start, int length, out int consumed)
    {
        const int BlocksPerFlush = 65_536;
        var lowMask = Vector256.Create(0x0000_FFFFu);
        ulong total = 0;
        int blocks = length / 32, done = 0;
        while (done < blocks)
        {
            int end = Math.Min(blocks, done + BlocksPerFlush);
            var low = Vector256<uint>.Zero;
            var high = Vector256<uint>.Zero;
            for (; done < end; done++)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)(done * 32)).AsUInt32();
                low += v & lowMask;
                high += Vector256.ShiftRightLogical(v, 16);
            }
            for (int lane = 0; lane < Vector256<uint>.Count; lane++)
                total += (ulong)low.GetElement(lane) + high.GetElement(lane);
        }
        consumed = blocks * 32;
        return total;
    }

    private static uint Unsafe32(ref byte start, int offset) =>
        System.Runtime.CompilerServices.Unsafe.ReadUnaligned<uint>(ref System.Runtime.CompilerServices.Unsafe.Add(ref start, offset));
}
