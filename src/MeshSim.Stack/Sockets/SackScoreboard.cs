using MeshSim.Wire;

namespace MeshSim.Stack.Sockets;

/// <summary>
/// The sender's SACK scoreboard (RFC 6675 section 3): which bytes between SND.UNA and SND.MAX the
/// peer reported holding, as sorted, disjoint ranges. From it come IsLost (a byte is lost once
/// DupThresh discontiguous ranges or more than (DupThresh - 1)·SMSS SACKed bytes lie above it),
/// the pipe estimate and the next hole to retransmit. Fixed capacity, so updating it allocates
/// nothing; when full, the highest range is forgotten, which only makes the sender more cautious
/// (it may resend bytes the peer already holds, never skip bytes it lacks).
/// </summary>
internal sealed class SackScoreboard
{
    public const int Capacity = 32;
    public const int DupThresh = 3;
    private readonly uint[] _left = new uint[Capacity];
    private readonly uint[] _right = new uint[Capacity];
    private int _count;

    /// <summary>Ranges held.</summary>
    public int Count => _count;

    /// <summary>Range <paramref name="i"/> in sequence order.</summary>
    public (uint Left, uint Right) this[int i] => (_left[i], _right[i]);

    /// <summary>Records the blocks of one ACK; returns how many bytes they newly SACKed. Blocks
    /// below <paramref name="una"/> (D-SACK reports) or beyond <paramref name="sndMax"/> (invalid)
    /// add nothing.</summary>
    public int Update(in TcpSackBlocks blocks, uint una, uint sndMax)
    {
        int added = 0;
        for (int b = 0; b < blocks.Count; b++)
        {
            var (l, r) = blocks[b];
            if (!Seq.Lt(l, r) || Seq.Gt(r, sndMax) || !Seq.Gt(r, una)) continue;
            if (Seq.Lt(l, una)) l = una;
            added += Insert(l, r);
        }
        return added;
    }

    /// <summary>The cumulative ACK moved to <paramref name="una"/>: ranges below it are done.</summary>
    public void AdvanceTo(uint una)
    {
        int drop = 0;
        while (drop < _count && Seq.Le(_right[drop], una)) drop++;
        if (drop > 0)
        {
            Array.Copy(_left, drop, _left, 0, _count - drop);
            Array.Copy(_right, drop, _right, 0, _count - drop);
            _count -= drop;
        }
        if (_count > 0 && Seq.Lt(_left[0], una)) _left[0] = una;
    }

    /// <summary>Forgets every range.</summary>
    public void Clear() => _count = 0;

    /// <summary>The lowest sequence number at or above which no un-SACKed byte counts as lost:
    /// every un-SACKed byte below it is lost (IsLost, which is monotonic in the sequence number).
    /// <paramref name="una"/> when nothing is lost.</summary>
    public uint LostBoundary(uint una, int mss)
    {
        long bytes = 0;
        for (int i = _count - 1, n = 1; i >= 0; i--, n++)
        {
            bytes += Seq.Diff(_left[i], _right[i]);
            if (n >= DupThresh || bytes > (long)(DupThresh - 1) * mss) return Seq.Max(_left[i], una);
        }
        return una;
    }

    /// <summary>SACKed bytes within [from, to).</summary>
    public long SackedBetween(uint from, uint to)
    {
        long n = 0;
        for (int i = 0; i < _count; i++)
        {
            uint l = Seq.Max(_left[i], from);
            uint r = Seq.Lt(_right[i], to) ? _right[i] : to;
            if (Seq.Lt(l, r)) n += Seq.Diff(l, r);
        }
        return n;
    }

    /// <summary><paramref name="seq"/>, or the end of the range holding it.</summary>
    public uint SkipSacked(uint seq)
    {
        for (int i = 0; i < _count; i++)
        {
            if (Seq.Lt(seq, _left[i])) return seq;
            if (Seq.Lt(seq, _right[i])) return _right[i];
        }
        return seq;
    }

    /// <summary>Start of the first range beginning after <paramref name="seq"/>, else <paramref name="limit"/>.</summary>
    public uint NextSackedStart(uint seq, uint limit)
    {
        for (int i = 0; i < _count; i++)
            if (Seq.Gt(_left[i], seq)) return Seq.Lt(_left[i], limit) ? _left[i] : limit;
        return limit;
    }

    private int Insert(uint l, uint r)
    {
        long before = Total();
        int i = 0;
        while (i < _count && Seq.Lt(_right[i], l)) i++;              // ranges entirely below, not touching
        int j = i;
        while (j < _count && Seq.Le(_left[j], r))                     // ranges overlapping or touching
        {
            if (Seq.Lt(_left[j], l)) l = _left[j];
            if (Seq.Gt(_right[j], r)) r = _right[j];
            j++;
        }
        int merged = j - i;
        if (merged == 0 && _count == Capacity)
        {
            if (i == _count) return 0;                                 // the new range is the highest: forget it
            _count--;                                                  // forget the highest to make room
        }
        int shift = 1 - merged;
        if (shift != 0)
        {
            Array.Copy(_left, j, _left, j + shift, _count - j);
            Array.Copy(_right, j, _right, j + shift, _count - j);
            _count += shift;
        }
        _left[i] = l; _right[i] = r;
        return (int)(Total() - before);
    }

    private long Total()
    {
        long n = 0;
        for (int i = 0; i < _count; i++) n += Seq.Diff(_left[i], _right[i]);
        return n;
    }
}
