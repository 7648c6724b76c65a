using MeshSim.Wire;

namespace MeshSim.Stack.Sockets;

// Segment emission: new data within min(peer window, cwnd), FIN after the data, pure ACKs, the
// handshake, and retransmission (timeout: go back to SND.UNA; fast retransmit: one segment).
public sealed partial class TcpSocket
{
    /// <summary>Sends whatever the windows allow, then a pure ACK if one is still owed.</summary>
    private void Transmit()
    {
        bool sent = false;
        switch (State)
        {
            case TcpState.Closed:
            case TcpState.Listen:
            case TcpState.SynSent:
                return;
            case TcpState.SynReceived:
                if (_ackNow) { SendSyn(); _ackNow = false; }
                ArmTimer();
                return;
            case TcpState.Established:
            case TcpState.CloseWait:
            case TcpState.FinWait1:
            case TcpState.Closing:
            case TcpState.LastAck:
                sent = SendData();
                break;
        }
        if (!sent && _ackNow) Emit(TcpFlags.Ack, _sndNxt, default);
        ArmTimer();
    }

    /// <summary>Emits segments of unsent data (and the FIN) allowed by the windows.</summary>
    private bool SendData()
    {
        bool sent = false;
        uint dataEnd = _txSeq + (uint)_tx.Count;
        while (true)
        {
            // SACKed bytes have left the network: like Linux's packets_in_flight, cwnd does not count them.
            long window = Math.Min(_sndWnd, _board.Count == 0 ? _cwnd : _cwnd + _board.SackedBetween(_sndUna, _sndMax));
            uint wndEnd = _sndUna + (uint)Math.Min(window, int.MaxValue);
            // Resending after a timeout skips what the peer SACKed (Linux keeps SACK marks in loss state).
            int sackRoom = int.MaxValue;
            if (_board.Count > 0 && Seq.Lt(_sndNxt, _sndMax))
            {
                _sndNxt = _board.SkipSacked(_sndNxt);
                sackRoom = Seq.Diff(_sndNxt, _board.NextSackedStart(_sndNxt, _sndMax));
            }
            int unsent = Seq.Diff(_sndNxt, dataEnd);
            int allowed = Seq.Diff(_sndNxt, wndEnd);
            if (unsent > 0 && allowed > 0)
            {
                int mss = SegmentDataBytes();
                int len = Math.Min(Math.Min(mss, sackRoom), Math.Min(unsent, allowed));
                // Sender SWS avoidance (RFC 9293 3.8.6.2.1): a short segment only when it empties the
                // buffer, nothing is in flight, or it ends where SACKed bytes begin.
                if (len < mss && len < unsent && len < sackRoom && _sndNxt != _sndUna) break;
                bool last = len == unsent;
                var flags = TcpFlags.Ack | (PushHere(_sndNxt + (uint)len, last) ? TcpFlags.Psh : 0);
                if (last && _finQueued) { flags |= TcpFlags.Fin; _finSent = true; }
                SendSegment(flags, _sndNxt, len);
                sent = true;
                continue;
            }
            if (unsent <= 0 && _finQueued && !_finSent)
            {
                _finSent = true;
                SendSegment(TcpFlags.Fin | TcpFlags.Ack, _sndNxt, 0);
                sent = true;
            }
            break;
        }
        // Zero window with data waiting and nothing in flight: the retransmission timer doubles as
        // the persist timer (RFC 9293 3.8.6.1).
        if (!sent && _sndNxt == _sndUna && _tx.Count > 0 && _rtoAt == Never && State != TcpState.Closed)
            _rtoAt = _sim.Now + _rtt.RtoNs;
        return sent;
    }

    /// <summary>PSH on a new segment ending at <paramref name="end"/>: when it empties the send
    /// buffer, and, as Linux's forced_push, when more than half the largest window the peer has
    /// offered was sent since the last PSH (so a receiver that waits for PSH is never starved).</summary>
    private bool PushHere(uint end, bool last)
    {
        if (!Seq.Ge(_sndNxt, _sndMax)) return last;                 // a resend keeps the rule of the buffer's end
        if (!last && !Seq.Gt(end, _pushedSeq + (uint)Math.Min(_maxSndWnd >> 1, int.MaxValue))) return false;
        _pushedSeq = end;
        return true;
    }

    /// <summary>Emits data (from the send buffer at <paramref name="seq"/>) and advances SND.NXT.</summary>
    private void SendSegment(TcpFlags flags, uint seq, int len)
    {
        bool retransmission = Seq.Lt(seq, _sndMax);
        int offset = Seq.Diff(_txSeq, seq);
        if (!_tx.TryPeekContiguous(offset, len, out var payload))
        {
            var copy = _scratch.AsSpan(0, len);       // wraps the ring's end: linearise once
            _tx.CopyOut(offset, copy);
            payload = copy;
        }
        Emit(flags, seq, payload);
        uint end = seq + (uint)len + ((flags & TcpFlags.Fin) != 0 ? 1u : 0u);
        if (Seq.Gt(end, _sndNxt)) _sndNxt = end;
        if (Seq.Gt(end, _sndMax)) _sndMax = end;
        if (retransmission) { Stats.Retransmissions++; _timing = false; _retransmittedHigh = Seq.Max(_retransmittedHigh, end); }
        else if (!_timing && len > 0) { _timing = true; _timedSeq = seq; _timedAt = _sim.Now; }
        if (_rtoAt == Never) _rtoAt = _sim.Now + _rtt.RtoNs;
    }

    /// <summary>Fast retransmit / NewReno partial ACK: resend the segment at SND.UNA only.</summary>
    private void RetransmitFirstUnacked()
    {
        uint dataEnd = _txSeq + (uint)_tx.Count;
        int len = Math.Min(_sndMss, Math.Max(0, Seq.Diff(_sndUna, Seq.Lt(dataEnd, _sndMax) ? dataEnd : _sndMax)));
        var flags = TcpFlags.Ack;
        if (_finSent && _sndUna + (uint)len == dataEnd && Seq.Lt(dataEnd, _sndMax)) flags |= TcpFlags.Fin;
        if (len == 0 && (flags & TcpFlags.Fin) == 0) return;
        uint savedNxt = _sndNxt;
        SendSegment(flags, _sndUna, len);
        _sndNxt = Seq.Max(savedNxt, _sndNxt);
        _rtoAt = _sim.Now + _rtt.RtoNs;
    }

    private void OnRetransmissionTimeout()
    {
        if (State is TcpState.Closed or TcpState.TimeWait or TcpState.Listen) return;
        Stats.Timeouts++;
        _retries++;
        int limit = State is TcpState.SynSent or TcpState.SynReceived ? _cfg.MaxSynRetransmissions : _cfg.MaxRetransmissions;
        if (_retries > limit)
        {
            if (State != TcpState.SynSent) Emit(TcpFlags.Rst | TcpFlags.Ack, _sndNxt, default);
            Fail(new TcpException(TcpError.TimedOut, $"connection to {RemoteAddress}:{RemotePort} timed out after {_retries - 1} retransmissions"));
            return;
        }
        _rtt.OnTimeout();
        _timing = false;
        if (State is TcpState.SynSent or TcpState.SynReceived) { SendSyn(); return; }

        if (_sndWnd == 0 && _tx.Count > 0)
        {
            // Persist: the peer's window is closed. Linux's zero-window probe (tcp_xmit_probe_skb)
            // is a bare ACK one below SND.UNA: old, so the peer answers it with an ACK that
            // carries its current window, and no data is pushed past the window. Whatever was in
            // flight goes again from SND.UNA once the window opens.
            Stats.ZeroWindowProbes++;
            _sndNxt = _sndUna;
            Emit(TcpFlags.Ack, _sndUna - 1, default);
            _rtoAt = _sim.Now + _rtt.RtoNs;
            return;
        }
        _ssthresh = Math.Max(FlightSize() / 2, 2L * _sndMss);  // RFC 5681 eq. 4
        _cwnd = _sndMss;                                     // loss window
        _inRecovery = false;
        _recover = _sndMax;
        _highRxt = _sndUna;
        _dupAcks = 0;
        _sndNxt = _sndUna;                                    // go back N
        if (_finSent && Seq.Diff(_sndUna, _txSeq + (uint)_tx.Count + 1) > 0) _finSent = false;
        _rtoAt = Never;
        if (!SendData() && _rtoAt == Never) _rtoAt = _sim.Now + _rtt.RtoNs;
    }

    private void SendSyn()
    {
        var flags = State == TcpState.SynSent ? TcpFlags.Syn : TcpFlags.Syn | TcpFlags.Ack;
        var h = new TcpRepr(LocalPort, RemotePort, _iss, State == TcpState.SynSent ? 0 : _rcvNxt, flags,
                            (ushort)Math.Min(_rx.Free, 65535), SynOptions());
        _lastAckSent = _rcvNxt;
        _rcvWndAdvertised = h.WindowSize;
        _rcvEdgeAdvertised = _rcvNxt + h.WindowSize;
        if (Seq.Lt(_sndMax, _iss + 1))
        {
            _sndNxt = _iss + 1; _sndMax = _iss + 1;
            // Time the first SYN (or SYN-ACK) as Linux does (tcp_synack_rtt_meas, and the SYN's
            // own timestamp on the active side): the handshake gives the first RTT sample, so the
            // RTO leaves its 1 s initial value before any data is sent. A retransmission stops the
            // timing (Karn).
            _timing = true; _timedSeq = _iss; _timedAt = _sim.Now;
        }
        else { Stats.Retransmissions++; _sink.OnSynRetransmitted(this); }
        Stats.SegmentsSent++;
        _sink.SendSegment(LocalAddress, RemoteAddress, in h, default);
        if (_rtoAt == Never) _rtoAt = _sim.Now + _rtt.RtoNs;
        ArmTimer();
    }

    /// <summary>Window we can offer now, in bytes (before scaling).</summary>
    private int AdvertisableWindow() => Math.Min(_rx.Free, 65535 << _rcvShift);

    /// <summary>Emits a synchronized-state segment carrying ACK = RCV.NXT and our window.</summary>
    private void Emit(TcpFlags flags, uint seq, ReadOnlySpan<byte> payload)
    {
        int wnd = AdvertisableWindow();
        ushort field = (ushort)(wnd >> _rcvShift);
        _rcvWndAdvertised = field << _rcvShift;
        _rcvEdgeAdvertised = _rcvNxt + (uint)_rcvWndAdvertised;
        var h = new TcpRepr(LocalPort, RemotePort, seq, _rcvNxt, flags | TcpFlags.Ack, field, SegmentOptions());
        _lastAckSent = _rcvNxt;
        _ackNow = false; _segsSinceAck = 0; _delAckAt = Never;
        Stats.SegmentsSent++;
        _sink.SendSegment(LocalAddress, RemoteAddress, in h, payload);
    }

    /// <summary>Emits a segment without the connection's ACK (RSTs answering bad ACKs).</summary>
    private void EmitRaw(TcpFlags flags, uint seq, uint ack, ReadOnlySpan<byte> payload)
    {
        var h = new TcpRepr(LocalPort, RemotePort, seq, ack, flags, 0);
        Stats.SegmentsSent++;
        _sink.SendSegment(LocalAddress, RemoteAddress, in h, payload);
    }
}
