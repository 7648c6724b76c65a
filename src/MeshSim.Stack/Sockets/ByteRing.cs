namespace MeshSim.Stack.Sockets;

/// <summary>
/// A fixed-capacity byte ring: the send buffer (bytes from SND.UNA onward) and the receive buffer
/// (in-order bytes the app has not read, followed by room where out-of-order data is written ahead
/// of time). Allocated once per socket; never grows.
/// </summary>
internal sealed class ByteRing
{
    private readonly byte[] _buf;
    private int _head;   // index of the first stored byte

    public ByteRing(int capacity)
    {
        if (capacity <= 0) throw new ArgumentOutOfRangeException(nameof(capacity), "buffer capacity must be positive");
        _buf = new byte[capacity];
    }

    public int Capacity => _buf.Length;
    /// <summary>Bytes stored from the head.</summary>
    public int Count { get; private set; }
    public int Free => _buf.Length - Count;

    /// <summary>Appends as much of <paramref name="data"/> as fits; returns how much.</summary>
    public int Enqueue(ReadOnlySpan<byte> data)
    {
        int n = Math.Min(data.Length, Free);
        WriteAt(Count, data[..n]);
        Count += n;
        return n;
    }

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/> bytes past the head without
    /// changing Count (out-of-order data placed ahead). The caller keeps offset+length within capacity.</summary>
    public void WriteAt(int offset, ReadOnlySpan<byte> data)
    {
        int start = (_head + offset) % _buf.Length;
        int first = Math.Min(data.Length, _buf.Length - start);
        data[..first].CopyTo(_buf.AsSpan(start));
        data[first..].CopyTo(_buf);
    }

    /// <summary>Declares <paramref name="n"/> bytes already written past Count (by WriteAt) as stored.</summary>
    public void Commit(int n) => Count += n;

    /// <summary>Copies <paramref name="dest"/>.Length bytes starting <paramref name="offset"/> past the head.</summary>
    public void CopyOut(int offset, Span<byte> dest)
    {
        int start = (_head + offset) % _buf.Length;
        int first = Math.Min(dest.Length, _buf.Length - start);
        _buf.AsSpan(start, first).CopyTo(dest);
        _buf.AsSpan(0, dest.Length - first).CopyTo(dest[first..]);
    }

    /// <summary>The <paramref name="length"/> bytes at <paramref name="offset"/> past the head as one
    /// span when they do not wrap around the end of the buffer (the common case), so the caller can
    /// skip a copy; false when they wrap.</summary>
    public bool TryPeekContiguous(int offset, int length, out ReadOnlySpan<byte> bytes)
    {
        int start = (_head + offset) % _buf.Length;
        if (start + length <= _buf.Length) { bytes = _buf.AsSpan(start, length); return true; }
        bytes = default;
        return false;
    }

    /// <summary>Drops <paramref name="n"/> bytes from the head.</summary>
    public void Discard(int n)
    {
        if ((uint)n > (uint)Count) throw new ArgumentOutOfRangeException(nameof(n));
        _head = (_head + n) % _buf.Length;
        Count -= n;
        // Never reset the head when empty: out-of-order bytes may already sit past it (receive side).
    }

    /// <summary>Moves up to dest.Length bytes from the head into <paramref name="dest"/>.</summary>
    public int Dequeue(Span<byte> dest)
    {
        int n = Math.Min(dest.Length, Count);
        CopyOut(0, dest[..n]);
        Discard(n);
        return n;
    }
}
