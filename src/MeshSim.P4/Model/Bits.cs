using System.Buffers.Binary;
using System.Globalization;

namespace MeshSim.P4.Model;

/// <summary>
/// Bit-level operations on P4 values. Every P4 value in MeshSim is held in a <see cref="UInt128"/>:
/// bmv2 computes with infinite precision and truncates when a value is stored into a field; for
/// fields up to 128 bits, wrapping at 128 bits then truncating gives the same stored bits for
/// <c>+ - * &amp; | ^ ~ &lt;&lt;</c>. Wider (non-varbit) fields are refused at load time.
/// </summary>
public static class Bits
{
    /// <summary>A mask of the low <paramref name="width"/> bits (width 0..128).</summary>
    public static UInt128 Mask(int width) =>
        width >= 128 ? UInt128.MaxValue : width <= 0 ? UInt128.Zero : (UInt128.One << width) - UInt128.One;

    /// <summary>Shift left that yields zero for counts of 128 or more (C# masks the count).</summary>
    public static UInt128 Shl(UInt128 v, UInt128 count) => count >= 128 ? UInt128.Zero : v << (int)count;

    /// <summary>Shift right that yields zero for counts of 128 or more.</summary>
    public static UInt128 Shr(UInt128 v, UInt128 count) => count >= 128 ? UInt128.Zero : v >> (int)count;

    /// <summary>Bytes needed for a field of <paramref name="width"/> bits.</summary>
    public static int ByteWidth(int width) => (width + 7) / 8;

    /// <summary>
    /// Reads <paramref name="width"/> bits starting at <paramref name="bitOffset"/> (MSB first, network order).
    /// The caller guarantees the bits lie inside <paramref name="data"/> and that
    /// <c>bitOffset % 8 + width &lt;= 128</c>.
    /// </summary>
    public static UInt128 Read(ReadOnlySpan<byte> data, int bitOffset, int width)
    {
        int first = bitOffset >> 3, lead = bitOffset & 7;
        if (lead == 0 && (width & 7) == 0)
        {
            switch (width)
            {
                case 8: return data[first];
                case 16: return BinaryPrimitives.ReadUInt16BigEndian(data[first..]);
                case 32: return BinaryPrimitives.ReadUInt32BigEndian(data[first..]);
                case 48: return ((ulong)BinaryPrimitives.ReadUInt16BigEndian(data[first..]) << 32) | BinaryPrimitives.ReadUInt32BigEndian(data[(first + 2)..]);
                case 64: return BinaryPrimitives.ReadUInt64BigEndian(data[first..]);
                case 128: return BinaryPrimitives.ReadUInt128BigEndian(data[first..]);
            }
        }
        int total = lead + width, nbytes = (total + 7) >> 3;
        if (nbytes <= 8)
        {
            ulong acc = 0;
            for (int i = 0; i < nbytes; i++) acc = (acc << 8) | data[first + i];
            int trail = nbytes * 8 - total;
            acc >>= trail;
            return width >= 64 ? acc : acc & ((1UL << width) - 1);
        }
        UInt128 a = 0;
        for (int i = 0; i < nbytes; i++) a = (a << 8) | data[first + i];
        return (a >> (nbytes * 8 - total)) & Mask(width);
    }

    /// <summary>Writes the low <paramref name="width"/> bits of <paramref name="value"/> at <paramref name="bitOffset"/>, keeping neighbouring bits.</summary>
    public static void Write(Span<byte> data, int bitOffset, int width, UInt128 value)
    {
        int first = bitOffset >> 3, lead = bitOffset & 7;
        if (lead == 0 && (width & 7) == 0)
        {
            switch (width)
            {
                case 8: data[first] = (byte)value; return;
                case 16: BinaryPrimitives.WriteUInt16BigEndian(data[first..], (ushort)value); return;
                case 32: BinaryPrimitives.WriteUInt32BigEndian(data[first..], (uint)value); return;
                case 64: BinaryPrimitives.WriteUInt64BigEndian(data[first..], (ulong)value); return;
                case 128: BinaryPrimitives.WriteUInt128BigEndian(data[first..], value); return;
            }
        }
        int total = lead + width;
        if (total <= 64)
        {
            // Read-modify-write the (at most 8) bytes that hold the field as one big-endian word.
            int nbytes = (total + 7) >> 3;
            ulong acc = 0;
            for (int i = 0; i < nbytes; i++) acc = (acc << 8) | data[first + i];
            int shift = nbytes * 8 - total;
            ulong fmask = (width == 64 ? ulong.MaxValue : (1UL << width) - 1) << shift;
            acc = (acc & ~fmask) | (((ulong)value << shift) & fmask);
            for (int i = nbytes - 1; i >= 0; i--) { data[first + i] = (byte)acc; acc >>= 8; }
            return;
        }
        // Walk from the last bit backwards one byte at a time.
        int end = bitOffset + width; // exclusive
        UInt128 v = value & Mask(width);
        int remaining = width;
        int pos = end;
        while (remaining > 0)
        {
            int byteIndex = (pos - 1) >> 3;
            int bitInByteFromRight = 7 - ((pos - 1) & 7); // how many bits to the right of pos within byte
            int take = Math.Min(remaining, 8 - bitInByteFromRight);
            byte chunkMask = (byte)(((1 << take) - 1) << bitInByteFromRight);
            byte chunk = (byte)(((byte)(v & 0xFF) << bitInByteFromRight) & chunkMask);
            data[byteIndex] = (byte)((data[byteIndex] & ~chunkMask) | chunk);
            v >>= take; remaining -= take; pos -= take;
        }
    }

    /// <summary>Writes <paramref name="value"/> big-endian into exactly <paramref name="dest"/>.Length bytes.</summary>
    public static void WriteBytes(Span<byte> dest, UInt128 value)
    {
        // Table keys are mostly 1, 2, 4, 6 or 8 bytes wide: one store instead of a 128-bit shift per byte.
        switch (dest.Length)
        {
            case 1: dest[0] = (byte)value; return;
            case 2: BinaryPrimitives.WriteUInt16BigEndian(dest, (ushort)value); return;
            case 4: BinaryPrimitives.WriteUInt32BigEndian(dest, (uint)value); return;
            case 6: BinaryPrimitives.WriteUInt16BigEndian(dest, (ushort)((ulong)value >> 32)); BinaryPrimitives.WriteUInt32BigEndian(dest[2..], (uint)value); return;
            case 8: BinaryPrimitives.WriteUInt64BigEndian(dest, (ulong)value); return;
            case 16: BinaryPrimitives.WriteUInt128BigEndian(dest, value); return;
        }
        for (int i = dest.Length - 1; i >= 0; i--) { dest[i] = (byte)value; value >>= 8; }
    }

    /// <summary>Reads a big-endian byte string (up to 16 bytes used; longer strings keep their low 128 bits).</summary>
    public static UInt128 FromBytes(ReadOnlySpan<byte> src)
    {
        UInt128 v = 0;
        foreach (var b in src) v = (v << 8) | b;
        return v;
    }

    /// <summary>
    /// Parses a bmv2 <c>hexstr</c> ("0x0a", "-0x1"; the 0x prefix is optional and the digits are always hex, as in bmv2).
    /// Negative values are returned in two's complement modulo 2^128.
    /// </summary>
    public static bool TryParseHexStr(string? s, out UInt128 value)
    {
        value = 0;
        if (string.IsNullOrEmpty(s)) return false;
        bool neg = s[0] == '-';
        var body = neg ? s.AsSpan(1) : s.AsSpan();
        bool ok;
        if (body.StartsWith("0x") || body.StartsWith("0X")) body = body[2..];
        if (body.Length == 0) return false;
        // Leading zero padding may exceed 32 digits; strip it.
        body = body.TrimStart('0');
        if (body.Length > 32) return false;
        ok = body.Length == 0 || UInt128.TryParse(body, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        if (!ok) return false;
        if (neg) value = UInt128.Zero - value;
        return true;
    }

    /// <summary>Formats as bmv2 does in CLI output: colon-separated bytes.</summary>
    public static string ToColonHex(UInt128 v, int width)
    {
        int n = Math.Max(1, ByteWidth(width));
        Span<byte> b = stackalloc byte[n];
        WriteBytes(b, v);
        return string.Join(':', b.ToArray().Select(x => x.ToString("x2", CultureInfo.InvariantCulture)));
    }
}
