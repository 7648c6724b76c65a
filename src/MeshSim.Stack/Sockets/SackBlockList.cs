using MeshSim.Wire;

namespace MeshSim.Stack.Sockets;

/// <summary>
/// The receiver's SACK blocks (Linux's <c>selective_acks</c>): up to four ranges of out-of-order data
/// held past RCV.NXT, the block that changed last first (RFC 2018 section 4), plus a one-shot D-SACK
/// block (RFC 2883) reporting a duplicate segment in the next ACK only. Blocks the receiver still
/// holds but that fell off the end are forgotten, as Linux forgets them; the sender learns of them
/// again when a later segment extends them.
/// </summary>
internal sealed class SackBlockList
{
    public const int MaxBlocks = 4;
    private readonly uint[] _left = new uint[MaxBlocks];
    private readonly uint[] _right = new uint[MaxBlocks];
    private int _count;
    private bool _dsack;
    private uint _dsackLeft, _dsackRight;

    /// <summary>Blocks held (the D-SACK block not included).</summary>
    public int Count => _count;

    /// <summary>True when the next segment carries SACK blocks.</summary>
    public bool Any => _count > 0 || _dsack;

    /// <summary>A segment [left, right) was stored out of order (tcp_sack_new_ofo_skb): the block it
    /// touches grows and moves to the front, merging any others it now overlaps; otherwise a new
    /// block goes in front and the oldest drops off when all four are taken.</summary>
    public void OnOutOfOrder(uint left, uint right)
    {
        for (int i = 0; i < _count; i++)
        {
            if (Seq.Gt(_left[i], right) || Seq.Gt(left, _right[i])) continue;   // neither overlaps nor touches
            uint l = Seq.Lt(left, _left[i]) ? left : _left[i];
            uint r = Seq.Gt(right, _right[i]) ? right : _right[i];
            RemoveAt(i);
            InsertFront(l, r);
            Coalesce();
            return;
        }
        if (_count == MaxBlocks) _count--;
        InsertFront(left, right);
    }

    /// <summary>RCV.NXT advanced: blocks it reached are no longer out of order (tcp_sack_remove).</summary>
    public void OnAdvance(uint rcvNxt)
    {
        for (int i = 0; i < _count;)
        {
            if (Seq.Le(_left[i], rcvNxt)) RemoveAt(i);
            else i++;
        }
    }

    /// <summary>A duplicate [left, right) arrived: report it once, first (tcp_dsack_set).</summary>
    public void OnDuplicate(uint left, uint right)
    {
        if (Seq.Ge(left, right)) return;
        _dsack = true; _dsackLeft = left; _dsackRight = right;
    }

    /// <summary>Option bytes <see cref="TakeForSegment"/> would fill now (NOP NOP kind len + 8 per block).</summary>
    public int WireLength(int max)
    {
        int n = Math.Min(max, _count + (_dsack ? 1 : 0));
        return n == 0 ? 0 : 4 + 8 * n;
    }

    /// <summary>The blocks for the next segment, at most <paramref name="max"/> (3 beside
    /// timestamps, 4 without); the D-SACK block, if any, is first and is then cleared.</summary>
    public TcpSackBlocks TakeForSegment(int max)
    {
        var b = default(TcpSackBlocks);
        if (_dsack) { b = b.Append(_dsackLeft, _dsackRight); _dsack = false; }
        for (int i = 0; i < _count && b.Count < max; i++) b = b.Append(_left[i], _right[i]);
        return b;
    }

    /// <summary>Forgets everything (the connection is closing or SACK is off).</summary>
    public void Clear() { _count = 0; _dsack = false; }

    private void InsertFront(uint l, uint r)
    {
        for (int k = _count; k > 0; k--) { _left[k] = _left[k - 1]; _right[k] = _right[k - 1]; }
        _left[0] = l; _right[0] = r;
        _count++;
    }

    private void RemoveAt(int i)
    {
        for (int k = i; k < _count - 1; k++) { _left[k] = _left[k + 1]; _right[k] = _right[k + 1]; }
        _count--;
    }

    // tcp_sack_maybe_coalesce: the front block swallows every other block it overlaps or touches.
    private void Coalesce()
    {
        for (int i = 1; i < _count;)
        {
            if (Seq.Gt(_left[i], _right[0]) || Seq.Gt(_left[0], _right[i])) { i++; continue; }
            if (Seq.Lt(_left[i], _left[0])) _left[0] = _left[i];
            if (Seq.Gt(_right[i], _right[0])) _right[0] = _right[i];
            RemoveAt(i);
        }
    }
}
