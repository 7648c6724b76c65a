using MeshSim.Wire;

namespace MeshSim.Stack.Sockets;

// SACK-based loss recovery (RFC 6675): the scoreboard says which bytes are SACKed and which are
// lost; in recovery the sender keeps its pipe estimate within cwnd, resending lost holes first,
// lowest first, then new data. Used when both ends agreed on SACK; otherwise NewReno.
public sealed partial class TcpSocket
{
    private readonly SackScoreboard _board = new();
    private uint _highRxt;                 // end of the highest byte retransmitted in this recovery

    /// <summary>Bytes the peer has SACKed above SND.UNA (the scoreboard's total).</summary>
    public long SackedOutstanding => _board.SackedBetween(_sndUna, _sndMax);

    /// <summary>RFC 6675's pipe: bytes presumed in the network, counting each un-SACKed byte once
    /// unless it is lost, and once more if it was retransmitted in this recovery.</summary>
    internal long SackPipe()
    {
        uint lost = _board.LostBoundary(_sndUna, _sndMss);
        if (Seq.Gt(lost, _sndMax)) lost = _sndMax;
        long pipe = Seq.Diff(lost, _sndMax) - _board.SackedBetween(lost, _sndMax);
        uint rxt = Seq.Lt(_highRxt, _sndUna) ? _sndUna : Seq.Gt(_highRxt, _sndMax) ? _sndMax : _highRxt;
        pipe += Seq.Diff(_sndUna, rxt) - _board.SackedBetween(_sndUna, rxt);
        return pipe;
    }

    private void SackOnDuplicateAck()
    {
        if (_inRecovery) SackTransmit();
        else MaybeEnterSackRecovery();
    }

    /// <summary>A cumulative ACK with SACK on: leave recovery at the recovery point (cwnd =
    /// ssthresh, as Linux ends its reduction), otherwise keep filling holes; outside recovery grow
    /// cwnd, then check whether the bytes at SND.UNA now count as lost.</summary>
    private void SackOnNewAck(int acked)
    {
        if (_inRecovery)
        {
            if (Seq.Lt(_sndUna, _recover)) { SackTransmit(); return; }
            _inRecovery = false;
            _cwnd = Math.Max(_ssthresh, _sndMss);
        }
        else GrowCwnd(acked);
        MaybeEnterSackRecovery();
    }

    /// <summary>RFC 6675 section 5 step 4: three duplicate ACKs, or IsLost(SND.UNA), start recovery
    /// (not while SND.UNA is below the point an earlier recovery or timeout covered).</summary>
    private void MaybeEnterSackRecovery()
    {
        if (_inRecovery || Seq.Lt(_sndUna, _recover) || _sndUna == _sndMax) return;
        bool lost = _board.Count > 0 && Seq.Gt(_board.LostBoundary(_sndUna, _sndMss), _sndUna);
        if (_dupAcks < SackScoreboard.DupThresh && !lost) return;
        Stats.FastRetransmits++;
        _ssthresh = Math.Max(FlightSize() / 2, 2L * _sndMss);     // RFC 6675 4.2 (and RFC 5681 eq. 4)
        _cwnd = _ssthresh;
        _recover = _sndMax;
        _inRecovery = true;
        _highRxt = _sndUna;
        if (Seq.Lt(_sndNxt, _sndMax)) _sndNxt = _sndMax;             // what lies between is in flight or a hole
        RetransmitHole(_sndUna);                                       // 4.3: the first segment, whatever pipe says
        SackTransmit();
    }

    /// <summary>RFC 6675 step (C): while cwnd - pipe allows a segment, send NextSeg().</summary>
    private void SackTransmit()
    {
        while (_cwnd - SackPipe() >= _sndMss)
        {
            // NextSeg rule 1: the lowest lost, un-SACKed byte not yet retransmitted.
            uint lost = _board.LostBoundary(_sndUna, _sndMss);
            uint s = _board.SkipSacked(Seq.Max(_highRxt, _sndUna));
            if (Seq.Lt(s, lost)) { if (RetransmitHole(s)) continue; }
            // Rule 2: new data the peer's window allows.
            if (!SendNewSegment()) break;
        }
    }

    /// <summary>Resends the hole starting at <paramref name="seq"/>: up to one segment, never over
    /// SACKed bytes, with the FIN when the hole ends the stream. Returns false when there is
    /// nothing to send there.</summary>
    private bool RetransmitHole(uint seq)
    {
        uint dataEnd = _txSeq + (uint)_tx.Count;
        uint end = Seq.Lt(dataEnd, _sndMax) ? dataEnd : _sndMax;
        uint limit = _board.NextSackedStart(seq, end);
        int len = Math.Max(0, Math.Min(_sndMss - SackOptionBytes, Seq.Diff(seq, limit)));
        var flags = TcpFlags.Ack;
        bool finHere = _finSent && seq + (uint)len == dataEnd && Seq.Lt(dataEnd, _sndMax) && _board.SkipSacked(dataEnd) == dataEnd;
        if (finHere) flags |= TcpFlags.Fin;
        if (len == 0 && !finHere) return false;
        uint savedNxt = _sndNxt;
        SendSegment(flags, seq, len);
        _sndNxt = Seq.Max(savedNxt, _sndNxt);
        _highRxt = seq + (uint)len + (finHere ? 1u : 0u);
        if (seq == _sndUna) _rtoAt = _sim.Now + _rtt.RtoNs;          // Linux re-arms the timer for the head only
        return true;
    }

    /// <summary>One segment of new data (or the FIN) within the peer's window; false when none may go.</summary>
    private bool SendNewSegment()
    {
        uint dataEnd = _txSeq + (uint)_tx.Count;
        int unsent = Seq.Diff(_sndNxt, dataEnd);
        uint wndEnd = _sndUna + (uint)Math.Min(_sndWnd, int.MaxValue);
        int allowed = Seq.Diff(_sndNxt, wndEnd);
        int mss = SegmentDataBytes();
        if (unsent > 0 && allowed > 0)
        {
            int len = Math.Min(mss, Math.Min(unsent, allowed));
            if (len < mss && len < unsent) return false;               // sender SWS avoidance
            bool last = len == unsent;
            var flags = TcpFlags.Ack | (PushHere(_sndNxt + (uint)len, last) ? TcpFlags.Psh : 0);
            if (last && _finQueued) { flags |= TcpFlags.Fin; _finSent = true; }
            SendSegment(flags, _sndNxt, len);
            return true;
        }
        if (unsent <= 0 && _finQueued && !_finSent)
        {
            _finSent = true;
            SendSegment(TcpFlags.Fin | TcpFlags.Ack, _sndNxt, 0);
            return true;
        }
        return false;
    }
}
