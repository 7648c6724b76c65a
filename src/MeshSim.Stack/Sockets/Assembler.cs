namespace MeshSim.Stack.Sockets;

/// <summary>
/// Tracks which byte ranges past RCV.NXT have arrived out of order (smoltcp's assembler). Offsets are
/// relative to RCV.NXT. At most <see cref="MaxHoles"/> disjoint ranges are remembered; a segment
/// that would need more is refused and the peer retransmits it later (counted, not a crash).
/// </summary>
internal sealed class Assembler
{
    public const int MaxHoles = 16;
    private readonly int[] _start = new int[MaxHoles];
    private readonly int[] _end = new int[MaxHoles];
    private int _count;

    public bool IsEmpty => _count == 0;
    public int RangeCount => _count;

    /// <summary>Records [offset, offset+length). Returns false (and records nothing) when it would
    /// need more ranges than allowed.</summary>
    public bool Add(int offset, int length)
    {
        if (length <= 0) return true;
        int s = offset, e = offset + length;
        // find first range that ends at or after s
        int i = 0;
        while (i < _count && _end[i] < s) i++;
        int j = i;
        while (j < _count && _start[j] <= e) { s = Math.Min(s, _start[j]); e = Math.Max(e, _end[j]); j++; }
        int merged = j - i;
        if (merged == 0 && _count == MaxHoles) return false;
        // replace ranges [i, j) with one
        int shift = 1 - merged;
        if (shift != 0)
        {
            Array.Copy(_start, j, _start, j + shift, _count - j);
            Array.Copy(_end, j, _end, j + shift, _count - j);
            _count += shift;
        }
        _start[i] = s; _end[i] = e;
        return true;
    }

    /// <summary>True when [offset, offset+length) is already held entirely (a duplicate).</summary>
    public bool Covers(int offset, int length)
    {
        for (int i = 0; i < _count; i++)
            if (_start[i] <= offset && offset + length <= _end[i]) return true;
        return false;
    }

    /// <summary>If a range starts at offset 0, removes it and returns its length (bytes now
    /// contiguous); then shifts the rest so offsets stay relative to the new RCV.NXT.</summary>
    public int TakeFront()
    {
        if (_count == 0 || _start[0] > 0) return 0;
        int n = _end[0];
        Array.Copy(_start, 1, _start, 0, _count - 1);
        Array.Copy(_end, 1, _end, 0, _count - 1);
        _count--;
        for (int k = 0; k < _count; k++) { _start[k] -= n; _end[k] -= n; }
        return n;
    }

    /// <summary>Offset just past the highest byte held (for the FIN check); 0 when empty.</summary>
    public int HighestEnd => _count == 0 ? 0 : _end[_count - 1];

    public void Clear() => _count = 0;
}
