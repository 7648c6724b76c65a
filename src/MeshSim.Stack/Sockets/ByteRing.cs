namespace MeshSim.Stack.Sockets;

/// <summary>
/// A fixed-capacity byte ring: the send buffer (bytes from SND.UNA onward) and the receive buffer
/// (in-order bytes the app has not read, followed by room where out-of-order data is written ahead
/// of time). The memory is taken from the shared pool on the first write and given back by
/// <see cref="Release"/> once the connection is done with it, so thousands of short connections and
/// TIME_WAIT sockets do not each hold two idle 256 KiB arrays (Linux's TIME_WAIT minisockets keep no
/// buffers either). Never grows; the ring's size is <see cref="Capacity"/>, whatever the pool hands out.
/// </summary>
internal sealed class ByteRing
{
    private readonly int _capacity;
    private byte[]? _array;
    private int _head;   // index of the first stored byte

    public ByteRing(int capacity)
    {
        if (capacity <= 0) throw new ArgumentOutOfRangeException(nameof(capacity), "buffer capacity must be positive");
        _capacity = capacity;
    }

    private byte[] Buffer => _array ??= System.Buffers.ArrayPool<byte>.Shared.Rent(_capacity);

    public int Capacity => _capacity;
    /// <summary>Bytes stored from the head.</summary>
    public int Count { get; private set; }
    public int Free => _capacity - Count;

    /// <summary>Gives the memory back when nothing is stored; a later write takes it again.</summary>
    public void Release()
    {
        if (Count != 0 || _array is null) return;
        System.Buffers.ArrayPool<byte>.Shared.Return(_array);
        _array = null;
        _head = 0;
    }

    /// <summary>Appends as much of <paramref name="data"/> as fits; returns how much.</summary>
    public int Enqueue(ReadOnlySpan<byte> data)
    {
        int n = Math.Min(data.Length, Free);
        if (n == 0) return 0;
        WriteAt(Count, data[..n]);
        Count += n;
        return n;
    }

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/> bytes past the head without
    /// changing Count (out-of-order data placed ahead). The caller keeps offset+length within capacity.</summary>
    public void WriteAt(int offset, ReadOnlySpan<byte> data)
    {
        int start = (_head + offset) % _capacity;
        int first = Math.Min(data.Length, _capacity - start);
        data[..first].CopyTo(Buffer.AsSpan(start));
        data[first..].CopyTo(Buffer);
    }

    /// <summary>Declares <paramref name="n"/> bytes already written past Count (by WriteAt) as stored.</summary>
    public void Commit(int n) => Count += n;

    /// <summary>Copies <paramref name="dest"/>.Length bytes starting <paramref name="offset"/> past the head.</summary>
    public void CopyOut(int offset, Span<byte> dest)
    {
        int start = (_head + offset) % _capacity;
        int first = Math.Min(dest.Length, _capacity - start);
        Buffer.AsSpan(start, first).CopyTo(dest);
        Buffer.AsSpan(0, dest.Length - first).CopyTo(dest[first..]);
    }

    /// <summary>The <paramref name="length"/> bytes at <paramref name="offset"/> past the head as one
    /// span when they do not wrap around the end of the buffer (the common case), so the caller can
    /// skip a copy; false when they wrap.</summary>
    public bool TryPeekContiguous(int offset, int length, out ReadOnlySpan<byte> bytes)
    {
        int start = (_head + offset) % _capacity;
        if (start + length <= _capacity) { bytes = Buffer.AsSpan(start, length); return true; }
        bytes = default;
        return false;
    }

    /// <summary>Drops <paramref name="n"/> bytes from the head.</summary>
    public void Discard(int n)
    {
        if ((uint)n > (uint)Count) throw new ArgumentOutOfRangeException(nameof(n));
        _head = (_head + n) % _capacity;
        Count -= n;
        // Never reset the head when empty: out-of-order bytes may already sit past it (receive side).
    }

    /// <summary>Moves up to dest.Length bytes from the head into <paramref name="dest"/>.</summary>
    public int Dequeue(Span<byte> dest)
    {
        int n = Math.Min(dest.Length, Count);
        if (n == 0) return 0;               // nothing stored: do not take memory back from the pool
        CopyOut(0, dest[..n]);
        Discard(n);
        return n;
    }
}
