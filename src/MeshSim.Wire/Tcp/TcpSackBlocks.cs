namespace MeshSim.Wire;

/// <summary>
/// The blocks of one SACK option (RFC 2018, kind 5): up to four [Left, Right) sequence ranges the
/// receiver holds beyond its cumulative ACK, first block first. Stored inline so that a segment
/// carrying SACK blocks costs no allocation.
/// </summary>
public readonly struct TcpSackBlocks : IEquatable<TcpSackBlocks>
{
    /// <summary>Most blocks one option can hold (40 option bytes: 2 + 4·8 = 34).</summary>
    public const int MaxBlocks = 4;

    private readonly uint _l0, _r0, _l1, _r1, _l2, _r2, _l3, _r3;

    private TcpSackBlocks(int count, uint l0, uint r0, uint l1, uint r1, uint l2, uint r2, uint l3, uint r3)
    {
        Count = count; _l0 = l0; _r0 = r0; _l1 = l1; _r1 = r1; _l2 = l2; _r2 = r2; _l3 = l3; _r3 = r3;
    }

    /// <summary>Blocks present (0 = no SACK option).</summary>
    public int Count { get; }

    /// <summary>Block <paramref name="index"/>: left edge (first sequence number held) and right edge
    /// (the sequence number just past it).</summary>
    public (uint Left, uint Right) this[int index] => index switch
    {
        _ when (uint)index >= (uint)Count => throw new ArgumentOutOfRangeException(nameof(index)),
        0 => (_l0, _r0),
        1 => (_l1, _r1),
        2 => (_l2, _r2),
        _ => (_l3, _r3),
    };

    /// <summary>These blocks with [<paramref name="left"/>, <paramref name="right"/>) appended.</summary>
    /// <exception cref="InvalidOperationException">Already <see cref="MaxBlocks"/> blocks.</exception>
    public TcpSackBlocks Append(uint left, uint right) => Count switch
    {
        0 => new(1, left, right, 0, 0, 0, 0, 0, 0),
        1 => new(2, _l0, _r0, left, right, 0, 0, 0, 0),
        2 => new(3, _l0, _r0, _l1, _r1, left, right, 0, 0),
        3 => new(4, _l0, _r0, _l1, _r1, _l2, _r2, left, right),
        _ => throw new InvalidOperationException($"a SACK option holds at most {MaxBlocks} blocks"),
    };

    /// <summary>The first <paramref name="count"/> blocks (fewer fit beside other options).</summary>
    public TcpSackBlocks Take(int count)
    {
        if (count >= Count) return this;
        var r = default(TcpSackBlocks);
        for (int i = 0; i < count; i++) { var (l, rr) = this[i]; r = r.Append(l, rr); }
        return r;
    }

    /// <summary>Option bytes these blocks take on the wire with their NOP NOP padding (0 when none).</summary>
    public int WireLength => Count == 0 ? 0 : 4 + 8 * Count;

    /// <inheritdoc/>
    public bool Equals(TcpSackBlocks other)
    {
        if (Count != other.Count) return false;
        for (int i = 0; i < Count; i++) if (this[i] != other[i]) return false;
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TcpSackBlocks o && Equals(o);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Count);
        for (int i = 0; i < Count; i++) h.Add(this[i]);
        return h.ToHashCode();
    }

    /// <summary>Equality by blocks.</summary>
    public static bool operator ==(TcpSackBlocks a, TcpSackBlocks b) => a.Equals(b);
    /// <summary>Inequality by blocks.</summary>
    public static bool operator !=(TcpSackBlocks a, TcpSackBlocks b) => !a.Equals(b);

    /// <summary>"5000-6000 7000-8000" (tcpdump's "sack 2 {..}" without the braces); empty when none.</summary>
    public override string ToString()
    {
        var parts = new string[Count];
        for (int i = 0; i < Count; i++) parts[i] = $"{this[i].Left}-{this[i].Right}";
        return string.Join(' ', parts);
    }
}
