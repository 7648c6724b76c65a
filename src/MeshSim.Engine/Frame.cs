namespace MeshSim.Engine;

/// <summary>
/// One Ethernet frame as it is on the wire (no preamble, no FCS): a pooled buffer plus a length.
/// Ownership moves with the frame: whoever holds it either passes it on (Port.Send, a queue) or
/// calls <see cref="Release"/>. Never keep a reference after handing it over.
/// </summary>
public sealed class Frame
{
    /// <summary>Largest frame a pooled buffer holds: a 9000-byte jumbo payload plus Ethernet, VLAN and VXLAN headers.</summary>
    public const int MaxLength = 9216;

    private readonly FramePool? _pool;

    internal Frame(FramePool? pool, int capacity)
    {
        _pool = pool;
        Buffer = new byte[capacity];
    }

    /// <summary>The backing array; bytes past <see cref="Length"/> are garbage.</summary>
    public byte[] Buffer { get; }

    /// <summary>Bytes of the frame in <see cref="Buffer"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative, or larger than the buffer.</exception>
    public int Length
    {
        get => _length;
        set
        {
            if ((uint)value > (uint)Buffer.Length)
                throw new ArgumentOutOfRangeException(nameof(value), value, $"frame length must be 0..{Buffer.Length}");
            _length = value;
        }
    }

    private int _length;

    /// <summary>The frame's bytes.</summary>
    public Span<byte> Data => Buffer.AsSpan(0, Length);

    /// <summary>A unique id per frame put on the wire (for traces); set by whoever creates the frame.</summary>
    public long Id { get; set; }

    /// <summary>True while the frame sits in its pool's free list (released, not rented again).</summary>
    public bool IsReleased { get; internal set; }

    /// <summary>Returns the frame to its pool. The caller must not touch it afterwards.</summary>
    /// <exception cref="InvalidOperationException">The frame was already released: two owners would
    /// later share one buffer, so this is reported at the second release instead.</exception>
    public void Release()
    {
        if (IsReleased) throw new InvalidOperationException($"frame {Id} ({Length} bytes) was released twice");
        if (_pool is null) return;
        IsReleased = true;
        _pool.Return(this);
    }

    /// <summary>Copies this frame into a new frame from the same pool (flooding, mirroring).</summary>
    public Frame Clone()
    {
        if (IsReleased) throw new InvalidOperationException($"frame {Id} was cloned after it was released");
        var copy = _pool is null ? new Frame(null, Math.Max(Length, 64)) : _pool.Rent();
        Data.CopyTo(copy.Buffer);
        copy.Length = Length;
        copy.Id = Id;
        return copy;
    }
}

/// <summary>A free list of frames so the steady state allocates nothing. Not thread-safe: one per simulator.</summary>
public sealed class FramePool
{
    private readonly Stack<Frame> _free = new();

    /// <summary>Frames ever created by this pool (rented at least once).</summary>
    public int Created { get; private set; }

    /// <summary>Frames handed out and not yet returned (a leak detector for tests).</summary>
    public int Outstanding { get; private set; }

    /// <summary>Takes a frame with <see cref="Frame.Length"/> 0.</summary>
    public Frame Rent()
    {
        Outstanding++;
        var f = _free.Count > 0 ? _free.Pop() : Create();
        f.IsReleased = false;
        f.Length = 0;
        f.Id = 0;
        return f;
    }

    /// <summary>Takes a frame holding a copy of <paramref name="bytes"/>.</summary>
    public Frame Rent(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > Frame.MaxLength) throw new ArgumentException($"frame of {bytes.Length} bytes exceeds the maximum of {Frame.MaxLength} bytes", nameof(bytes));
        var f = Rent();
        bytes.CopyTo(f.Buffer);
        f.Length = bytes.Length;
        return f;
    }

    private Frame Create()
    {
        Created++;
        return new Frame(this, Frame.MaxLength);
    }

    internal void Return(Frame f)
    {
        Outstanding--;
        _free.Push(f);
    }
}
