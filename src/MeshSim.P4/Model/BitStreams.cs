namespace MeshSim.P4.Model;

/// <summary>
/// Writes consecutive fields MSB first into a byte span, as a header or a calculation's field list is
/// packed: bits gather in a small accumulator and leave a whole byte at a time, so neighbouring
/// fields never cost a read-modify-write. Bits already in the first byte before the start offset, and
/// those after the end in the last byte, are kept. The caller guarantees the span is large enough.
/// </summary>
public ref struct BitWriter
{
    private readonly Span<byte> _dest;
    private int _pos;      // next whole byte to write
    private ulong _acc;    // pending bits (fewer than 8 between calls)
    private int _n;        // how many pending bits

    /// <summary>Starts writing at <paramref name="bitOffset"/> of <paramref name="dest"/>.</summary>
    public BitWriter(Span<byte> dest, int bitOffset)
    {
        _dest = dest;
        _pos = bitOffset >> 3;
        _n = bitOffset & 7;
        _acc = _n == 0 ? 0UL : (ulong)(dest[_pos] >> (8 - _n));
    }

    /// <summary>Bits written so far, counted from the start of the span.</summary>
    public readonly int BitPosition => _pos * 8 + _n;

    /// <summary>Appends the low <paramref name="width"/> bits of <paramref name="value"/> (width 0..128).</summary>
    public void Write(UInt128 value, int width)
    {
        while (width > 32)
        {
            width -= 32;
            Put((uint)(value >> width), 32);
        }
        if (width > 0) Put((uint)value & (uint)((1UL << width) - 1), width);
    }

    private void Put(uint v, int w)
    {
        if (_n == 0)
        {
            // Byte-aligned whole bytes (most header fields): store directly.
            switch (w)
            {
                case 8: _dest[_pos++] = (byte)v; return;
                case 16: System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(_dest[_pos..], (ushort)v); _pos += 2; return;
                case 32: System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(_dest[_pos..], v); _pos += 4; return;
            }
        }
        _acc = (_acc << w) | v;
        _n += w;
        while (_n >= 8)
        {
            _n -= 8;
            _dest[_pos++] = (byte)(_acc >> _n);
        }
        _acc &= (1UL << _n) - 1;
    }

    /// <summary>Appends whole bytes (a varbit field's value).</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        if (_n == 0) { bytes.CopyTo(_dest[_pos..]); _pos += bytes.Length; return; }
        foreach (var b in bytes) Put(b, 8);
    }

    /// <summary>Writes out a partial last byte, keeping the bits after it.</summary>
    public void Flush()
    {
        if (_n == 0) return;
        int keep = 8 - _n;
        _dest[_pos] = (byte)((_acc << keep) | (uint)(_dest[_pos] & ((1 << keep) - 1)));
    }
}

/// <summary>Reads consecutive fields MSB first from a byte span (the counterpart of <see cref="BitWriter"/> for extraction).</summary>
public ref struct BitReader
{
    private readonly ReadOnlySpan<byte> _src;
    private int _pos;
    private ulong _acc;
    private int _n;

    /// <summary>Starts at the first bit of <paramref name="src"/>; the caller guarantees every read lies inside it.</summary>
    public BitReader(ReadOnlySpan<byte> src) { _src = src; _pos = 0; _acc = 0; _n = 0; }

    /// <summary>Bits consumed so far.</summary>
    public readonly int BitPosition => _pos * 8 - _n;

    /// <summary>Reads <paramref name="width"/> bits (0..128).</summary>
    public UInt128 Read(int width)
    {
        if (width <= 32) return Take(width);
        UInt128 v = 0;
        while (width > 32) { width -= 32; v = (v << 32) | Take(32); }
        return (v << width) | Take(width);
    }

    private uint Take(int w)
    {
        if (_n == 0)
        {
            switch (w)
            {
                case 0: return 0;
                case 8: return _src[_pos++];
                case 16: { uint r16 = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(_src[_pos..]); _pos += 2; return r16; }
                case 32: { uint r32 = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(_src[_pos..]); _pos += 4; return r32; }
            }
        }
        if (w == 0) return 0;
        while (_n < w) { _acc = (_acc << 8) | _src[_pos++]; _n += 8; }
        _n -= w;
        uint v = (uint)(_acc >> _n) & (uint)((1UL << w) - 1);
        _acc &= (1UL << _n) - 1;
        return v;
    }

    /// <summary>Skips <paramref name="bytes"/> whole bytes; only when byte-aligned (varbit fields are whole bytes after whole-byte fields).</summary>
    public void SkipBytes(int bytes)
    {
        if (_n != 0) { for (int i = 0; i < bytes; i++) Take(8); return; }
        _pos += bytes;
    }
}
