using MeshSim.Wire;

namespace MeshSim.Stack.Sockets;

// SEGMENT ARRIVES (RFC 9293 3.10.7), for every state but LISTEN (the listener's) and CLOSED (the host's).
public sealed partial class TcpSocket
{
    /// <summary>Processes one segment addressed to this connection.</summary>
    internal void Input(in TcpRepr seg, ReadOnlySpan<byte> payload)
    {
        Stats.SegmentsReceived++;
        if (State == TcpState.SynSent) { InputSynSent(in seg); Finish(); return; }
        if (State == TcpState.Closed) return;

        int segLen = seg.SegmentLength(payload.Length);
        _segTsEcr = _tsOn && seg.Options.Timestamp is (_, uint ecr) ? ecr : 0;
        // 0. PAWS (RFC 7323 5.3), before the sequence check as in Linux's tcp_validate_incoming; a
        //    RST is exempt.
        if (_tsOn && seg.Options.Timestamp is (uint tsval, _) && !seg.Has(TcpFlags.Rst) && PawsRejects(tsval))
        {
            Stats.PawsRejected++;
            AnswerDuplicate(seg.SequenceNumber, payload.Length);
            Finish();
            return;
        }
        // 1. Sequence acceptability (3.10.7.4, first check).
        if (!IsAcceptable(seg.SequenceNumber, segLen))
        {
            Stats.OutOfWindow++;
            if (!seg.Has(TcpFlags.Rst)) { AnswerDuplicate(seg.SequenceNumber, payload.Length); Finish(); }
            return;
        }
        // 2. RST (with RFC 5961 3.2: only an exact match resets; others get a challenge ACK).
        if (seg.Has(TcpFlags.Rst))
        {
            if (seg.SequenceNumber == _rcvNxt)
            {
                var err = State == TcpState.SynReceived && Listener is not null
                    ? new TcpException(TcpError.ConnectionRefused, "reset during handshake")
                    : new TcpException(TcpError.ConnectionReset, $"connection reset by {RemoteAddress}:{RemotePort}");
                Fail(err);
            }
            else { _ackNow = true; Finish(); }
            return;
        }
        // 3. SYN in a synchronized state: challenge ACK (RFC 5961 4.2), except the retransmitted
        //    SYN of a peer that did not get our SYN-ACK.
        if (seg.Has(TcpFlags.Syn))
        {
            if (State == TcpState.SynReceived && seg.SequenceNumber == _irs) SendSyn();
            else _ackNow = true;
            Finish();
            return;
        }
        // 4. ACK must be on.
        if (!seg.Has(TcpFlags.Ack)) return;
        if (!ProcessAck(in seg, payload.Length)) { Finish(); return; }
        if (State == TcpState.Closed) return;
        UpdateTsRecent(in seg);

        // 5. Payload.
        if (payload.Length > 0 && State is TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2)
            ProcessPayload(seg.SequenceNumber, payload);

        // 6. FIN.
        if (seg.Has(TcpFlags.Fin))
        {
            uint finSeq = seg.SequenceNumber + (uint)payload.Length;
            if (Seq.Ge(finSeq, _rcvNxt)) { _finPending = true; _finSeqIn = finSeq; }
            else if (State == TcpState.TimeWait) { _ackNow = true; _timeWaitAt = _sim.Now + 2 * _cfg.MslNs; } // retransmitted FIN
        }
        if (_finPending && _finSeqIn == _rcvNxt) ProcessFin();
        Finish();
    }

    /// <summary>
    /// Linux's rule for a SYN that reaches a connection in TIME_WAIT (<c>tcp_timewait_state_process</c>,
    /// after RFC 1122 4.2.2.13): a bare SYN whose sequence number lies beyond everything received
    /// on the old incarnation, or whose timestamp is newer than the last one seen, may open a new
    /// one. Its ISN is then placed beyond everything this end sent (SND.NXT + 65537), so old
    /// duplicates of either side cannot land in the new windows.
    /// Any other SYN is answered with an ACK by <see cref="Input"/>.
    /// </summary>
    internal bool TimeWaitAcceptsSyn(in TcpRepr seg, out uint isn)
    {
        isn = 0;
        if (State != TcpState.TimeWait || (seg.Flags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) != TcpFlags.Syn) return false;
        // With timestamps the SYN must pass PAWS, and a TSval newer than TS.Recent admits it even
        // when its sequence number is not beyond RCV.NXT (Linux compares against tw_ts_recent, 0
        // when the old connection had no timestamps).
        bool hasTs = seg.Options.Timestamp.HasValue;
        uint tsval = hasTs ? seg.Options.Timestamp!.Value.Value : 0;
        if (hasTs && _tsOn && PawsRejects(tsval)) return false;
        bool newerTs = hasTs && _cfg.Timestamps && (int)(_tsRecent - tsval) < 0;
        if (!Seq.Gt(seg.SequenceNumber, _rcvNxt) && !newerTs) return false;
        isn = _sndNxt + 65535 + 2;
        if (isn == 0) isn = 1;
        return true;
    }

    /// <summary>Ends TIME_WAIT early because a new incarnation took the 4-tuple over.</summary>
    internal void ReleaseTimeWait()
    {
        if (State == TcpState.TimeWait) EnterClosed();
    }

    private void Finish()
    {
        Transmit();
        ArmTimer();
    }

    private bool IsAcceptable(uint seq, int segLen)
    {
        int wnd = _rcvWndAdvertised;
        if (segLen == 0)
            return wnd == 0 ? seq == _rcvNxt : Seq.Le(_rcvNxt, seq) && Seq.Lt(seq, _rcvNxt + (uint)wnd);
        if (wnd == 0) return false;
        uint last = seq + (uint)segLen - 1;
        return (Seq.Le(_rcvNxt, seq) && Seq.Lt(seq, _rcvNxt + (uint)wnd))
            || (Seq.Le(_rcvNxt, last) && Seq.Lt(last, _rcvNxt + (uint)wnd));
    }

    private void InputSynSent(in TcpRepr seg)
    {
        bool ackOk = false;
        if (seg.Has(TcpFlags.Ack))
        {
            if (Seq.Le(seg.AcknowledgmentNumber, _iss) || Seq.Gt(seg.AcknowledgmentNumber, _sndNxt))
            {
                if (!seg.Has(TcpFlags.Rst)) EmitRaw(TcpFlags.Rst, seg.AcknowledgmentNumber, 0, default);
                return;
            }
            ackOk = true;
        }
        if (seg.Has(TcpFlags.Rst))
        {
            if (ackOk) Fail(new TcpException(TcpError.ConnectionRefused, $"connection refused by {RemoteAddress}:{RemotePort}"));
            return;
        }
        if (!seg.Has(TcpFlags.Syn)) return;
        _irs = seg.SequenceNumber;
        _rcvNxt = seg.SequenceNumber + 1;
        ApplySynOptions(in seg);
        _sndWnd = seg.WindowSize;
        _maxSndWnd = Math.Max(_maxSndWnd, _sndWnd);
        _sndWl1 = seg.SequenceNumber; _sndWl2 = seg.AcknowledgmentNumber;
        if (ackOk)
        {
            _sndUna = seg.AcknowledgmentNumber;
            OnRttAck(seg.AcknowledgmentNumber);
            _rtoAt = Never; _retries = 0;
            State = TcpState.Established;
            _ackNow = true;
            RequestWake();
        }
        else
        {
            State = TcpState.SynReceived;   // simultaneous open
            SendSyn();
        }
    }

    /// <summary>Step five of SEGMENT ARRIVES. Returns false when the segment must be dropped.</summary>
    private bool ProcessAck(in TcpRepr seg, int payloadLength)
    {
        uint ack = seg.AcknowledgmentNumber;
        if (State == TcpState.SynReceived)
        {
            if (Seq.Lt(_sndUna, ack) && Seq.Le(ack, _sndNxt))
            {
                State = TcpState.Established;
                _sndWnd = (long)seg.WindowSize << _sndShift;
                _maxSndWnd = Math.Max(_maxSndWnd, _sndWnd);
                _sndWl1 = seg.SequenceNumber; _sndWl2 = ack;
                _sndUna = ack;
                OnRttAck(ack);
                _rtoAt = Never; _retries = 0;
                _sink.OnSocketEstablished(this);
                RequestWake();
                if (_finQueued) State = TcpState.FinWait1;  // closed before the handshake finished: FIN goes out now
                return true;
            }
            EmitRaw(TcpFlags.Rst, ack, 0, default);
            return false;
        }
        if (Seq.Gt(ack, _sndMax)) { _ackNow = true; return false; }   // acks something never sent

        bool windowChanged = false;
        bool isNew = Seq.Gt(ack, _sndUna);
        int newlySacked = 0;
        if (_sackOn)
        {
            if (isNew) _board.AdvanceTo(ack);
            if (seg.Options.Sack.Count > 0) newlySacked = _board.Update(seg.Options.Sack, isNew ? ack : _sndUna, _sndMax);
            Stats.SackedBytes += newlySacked;
        }
        if (isNew)
        {
            OnNewAck(ack);
        }
        else if (ack == _sndUna && payloadLength == 0 && !seg.Has(TcpFlags.Fin) && _sndMax != _sndUna
                 && (((long)seg.WindowSize << _sndShift) == _sndWnd && _sndWnd != 0 || newlySacked > 0))
        {
            OnDuplicateAck();
        }
        // Window update (SND.WL1/WL2 rule keeps old segments from shrinking the window).
        if (Seq.Lt(_sndWl1, seg.SequenceNumber) || (_sndWl1 == seg.SequenceNumber && Seq.Le(_sndWl2, ack)))
        {
            long w = (long)seg.WindowSize << _sndShift;
            windowChanged = w != _sndWnd;
            // The window reopened: the persist timer is done and its backoff with it (Linux's
            // tcp_ack_probe); data goes out now with a fresh retransmission timer.
            if (_sndWnd == 0 && w > 0) { _sndNxt = _sndUna; _rtoAt = Never; _rtt.ResetBackoff(); }
            _sndWnd = w; _sndWl1 = seg.SequenceNumber; _sndWl2 = ack;
            if (w > _maxSndWnd) _maxSndWnd = w;
        }
        if (windowChanged && _sndWnd > 0 && _tx.Count > 0) RequestWake();
        if (_sndWnd == 0) _retries = 0;   // an ACK with a closed window answers our probe: the peer is alive

        bool finAcked = _finSent && _sndUna == _txSeq + (uint)_tx.Count + 1;
        switch (State)
        {
            case TcpState.FinWait1 when finAcked:
                State = _finReceived ? TcpState.TimeWait : TcpState.FinWait2;
                if (State == TcpState.TimeWait) EnterTimeWait();
                break;
            case TcpState.Closing when finAcked:
                EnterTimeWait();
                break;
            case TcpState.LastAck when finAcked:
                EnterClosed();
                return true;
        }
        return true;
    }

    private void OnNewAck(uint ack)
    {
        int acked = Seq.Diff(_sndUna, ack);
        // Bytes of data acknowledged (the SYN and FIN take sequence space but no buffer).
        int dataAcked = Math.Min(Seq.Diff(_txSeq, ack), _tx.Count);
        if (Seq.Gt(ack, _txSeq) && dataAcked > 0)
        {
            _tx.Discard(dataAcked);
            _txSeq += (uint)dataAcked;
            Stats.BytesAcked += dataAcked;
            RequestWake();
        }
        // Karn, as Linux applies it without timestamps: an ACK that also covers retransmitted bytes
        // gives no sample, even for a timed segment that was never resent (it waited behind the hole,
        // so its "RTT" would include the retransmission timeout and inflate the RTO).
        bool coversRetransmission = Seq.Lt(_sndUna, _retransmittedHigh);
        _sndUna = ack;
        if (Seq.Lt(_sndNxt, _sndUna)) _sndNxt = _sndUna;
        // With timestamps the echoed TSval tells which transmission the ACK answers, so an ACK
        // covering a retransmission still gives a sample (Linux falls back to TSecr exactly then).
        long tsRtt = coversRetransmission && _segTsEcr != 0 ? TsRttNs(_segTsEcr) : -1;
        if (tsRtt > 0) { _timing = false; _rtt.Sample(tsRtt); }
        else if (coversRetransmission) { _timing = false; _rtt.ResetBackoff(); }
        else OnRttAck(ack);
        _retries = 0;

        if (_sackOn) SackOnNewAck(acked);
        else if (_inRecovery)
        {
            if (Seq.Ge(ack, _recover))
            {
                _inRecovery = false;
                _cwnd = Math.Min(_ssthresh, Math.Max(FlightSize(), _sndMss) + _sndMss);  // RFC 6582 3.2 step 3
            }
            else
            {
                // Partial ACK: retransmit the next hole, deflate by what was acked, add one MSS back.
                RetransmitFirstUnacked();
                _cwnd = Math.Max(_cwnd - acked + _sndMss, _sndMss);
            }
        }
        else GrowCwnd(acked);
        _dupAcks = 0;

        _rtoAt = _sndUna == _sndMax ? Never : _sim.Now + _rtt.RtoNs;                  // RFC 6298 5.2/5.3
    }

    private void GrowCwnd(int acked)
    {
        if (_cwnd < _ssthresh) _cwnd += Math.Min(acked, _sndMss);                   // slow start
        else _cwnd += Math.Max(1, (long)_sndMss * _sndMss / _cwnd);                 // congestion avoidance
    }

    private void OnDuplicateAck()
    {
        Stats.DuplicateAcks++;
        _dupAcks++;
        if (_sackOn) { SackOnDuplicateAck(); return; }
        if (_inRecovery) { _cwnd += _sndMss; return; }                                // inflate
        if (_dupAcks == 3 && Seq.Gt(_sndUna, _recover) || _dupAcks == 3 && _recover == _iss)
        {
            Stats.FastRetransmits++;
            _ssthresh = Math.Max(FlightSize() / 2, 2L * _sndMss);
            _recover = _sndMax;
            _inRecovery = true;
            RetransmitFirstUnacked();
            _cwnd = _ssthresh + 3L * _sndMss;
        }
    }

    private long FlightSize() => Seq.Diff(_sndUna, _sndMax);

    private void OnRttAck(uint ack)
    {
        if (_timing && Seq.Gt(ack, _timedSeq))
        {
            _timing = false;
            _rtt.Sample(_sim.Now - _timedAt);
        }
        else _rtt.ResetBackoff();
    }

    private void ProcessPayload(uint seq, ReadOnlySpan<byte> payload)
    {
        // Trim what we already have and what does not fit in the buffer.
        int skip = Seq.Diff(seq, _rcvNxt);
        if (skip > 0)
        {
            if (_sackOn) _sackRx.OnDuplicate(seq, skip >= payload.Length ? seq + (uint)payload.Length : _rcvNxt);   // D-SACK the old part
            if (skip >= payload.Length) { _ackNow = true; return; }
            payload = payload[skip..]; seq = _rcvNxt;
        }
        int offset = Seq.Diff(_rcvNxt, seq);
        int room = _rx.Free - offset;
        if (room <= 0) { _ackNow = true; return; }
        if (payload.Length > room) payload = payload[..room];

        if (offset == 0 && _asm.IsEmpty)
        {
            _rx.Enqueue(payload);
            Advance(payload.Length);
            if (++_segsSinceAck >= 2) _ackNow = true;
            else if (_delAckAt == Never) _delAckAt = _sim.Now + _cfg.DelayedAckNs;
        }
        else
        {
            bool duplicate = _sackOn && offset > 0 && _asm.Covers(offset, payload.Length);
            if (!_asm.Add(offset, payload.Length)) { Stats.ReassemblyOverflow++; _ackNow = true; return; }
            _rx.WriteAt(_rx.Count + offset - 0, payload);
            if (_sackOn && offset > 0)
            {
                if (duplicate) _sackRx.OnDuplicate(seq, seq + (uint)payload.Length);
                _sackRx.OnOutOfOrder(seq, seq + (uint)payload.Length);
            }
            int ready = _asm.TakeFront();
            if (ready > 0) { _rx.Commit(ready); Advance(ready); if (_sackOn) _sackRx.OnAdvance(_rcvNxt); }
            _ackNow = true;                   // out of order or filling a hole: ACK at once (RFC 5681 4.2)
        }
        RequestWake();
    }

    /// <summary>A segment that is old or fails PAWS is answered with an ACK; when it carried data
    /// we already had, the ACK reports it as a D-SACK (Linux's tcp_send_dupack).</summary>
    private void AnswerDuplicate(uint seq, int payloadLength)
    {
        if (_sackOn && payloadLength > 0 && Seq.Lt(seq, _rcvNxt))
        {
            uint end = seq + (uint)payloadLength;
            _sackRx.OnDuplicate(seq, Seq.Gt(end, _rcvNxt) ? _rcvNxt : end);
        }
        _ackNow = true;
    }

    private void Advance(int n)
    {
        _rcvNxt += (uint)n;
        Stats.BytesReceived += n;
    }

    private void ProcessFin()
    {
        _finPending = false;
        _rcvNxt += 1;
        _finReceived = true;
        _ackNow = true;
        switch (State)
        {
            case TcpState.SynReceived:
            case TcpState.Established: State = TcpState.CloseWait; break;
            case TcpState.FinWait1: State = TcpState.Closing; break;
            case TcpState.FinWait2: EnterTimeWait(); break;
        }
        RequestWake();
    }

    private void EnterTimeWait()
    {
        State = TcpState.TimeWait;
        _rtoAt = Never; _delAckAt = Never;
        _tx.Release(); _rx.Release();       // nothing more is sent; unread data (if any) keeps its buffer
        _timeWaitAt = _sim.Now + 2 * _cfg.MslNs;
        RequestWake();
    }
}
