using MeshSim.Engine;
using MeshSim.Stack.Async;
using MeshSim.Wire;

namespace MeshSim.Stack.Sockets;

/// <summary>
/// One TCP connection endpoint per RFC 9293: handshake with MSS, window-scale, SACK-permitted and
/// timestamp options (as Linux lays them out), sliding window, cumulative ACKs with delayed ACK
/// (every second segment or 40 ms) and SACK blocks for out-of-order data (RFC 2018, D-SACK per
/// RFC 2883), timestamps with PAWS (RFC 7323), RFC 6298 retransmission timer with backoff, Reno
/// congestion control (RFC 5681: slow start, congestion avoidance) with SACK-based loss recovery
/// (RFC 6675) or, when the peer does not do SACK, NewReno fast recovery (RFC 6582), FIN/RST
/// handling and TIME_WAIT.
/// </summary>
/// <remarks>
/// <para>The socket owns protocol state only (smoltcp's split): it never sees IP or Ethernet and
/// emits through an <see cref="ITcpSegmentSink"/>. Inputs arrive as <see cref="MeshSim.Wire.TcpRepr"/> plus
/// payload, so tests drive it without bytes.</para>
/// <para>Application calls (<see cref="ReceiveAsync"/>, <see cref="SendAsync"/>, ...) complete from a
/// zero-delay wake-up event scheduled by the socket, never in the middle of segment processing.</para>
/// <para>Timers are lazy deadlines: the socket keeps one pending simulator event at the earliest
/// deadline and re-arms when it fires, so no event is ever cancelled and nothing is allocated.</para>
/// <para>Not implemented, on purpose: urgent data, Nagle (every socket behaves as with
/// TCP_NODELAY), keep-alive, RACK-TLP and PRR (Linux's loss detection and cwnd reduction on top of
/// the SACK scoreboard).</para>
/// </remarks>
public sealed partial class TcpSocket : IEventHandler
{
    internal const long Never = long.MaxValue;
    private const long TimerEvent = 0, WakeEvent = 1;

    private readonly Simulator _sim;
    private readonly ITcpSegmentSink _sink;
    private readonly TcpConfig _cfg;
    private readonly ByteRing _tx, _rx;
    private readonly Assembler _asm = new();
    private readonly RttEstimator _rtt;
    private byte[] _scratch = [];

    // Send sequence space (RFC 9293 3.3.1).
    private uint _iss, _sndUna, _sndNxt, _sndWl1, _sndWl2, _txSeq;
    private long _sndWnd;
    private int _sndShift, _sndMss;
    private bool _finQueued, _finSent;
    private uint _sndMax;             // highest SND.NXT ever (go-back-N rewinds SND.NXT)
    private long _maxSndWnd;          // largest window the peer offered (Linux max_window)
    private uint _pushedSeq;          // end of the last segment sent with PSH

    // Receive sequence space.
    private uint _irs, _rcvNxt;
    private int _rcvShift, _rcvWndAdvertised;
    private uint _rcvEdgeAdvertised;
    private bool _finReceived, _finPending;
    private uint _finSeqIn;
    private bool _peerWindowScale;
    private readonly int _ourMss;

    // Congestion control (NewReno).
    private long _cwnd, _ssthresh = long.MaxValue;
    private int _dupAcks;
    private bool _inRecovery;
    private uint _recover;

    // RTT sampling (one timed segment at a time; Karn's rule).
    private bool _timing;
    private uint _timedSeq, _retransmittedHigh;
    private long _timedAt;
    private int _retries;

    // Timers and ACK policy.
    private long _rtoAt = Never, _delAckAt = Never, _timeWaitAt = Never, _timerEventAt = Never;
    private bool _ackNow, _wakePending;
    private int _segsSinceAck;

    // Application waiters.
    private SimTask<int>? _readWaiter;
    private Memory<byte> _readDest;
    private SimTask? _writeWaiter;
    private ReadOnlyMemory<byte> _writeSrc;
    private SimTask? _connectWaiter;
    private TcpException? _error;

    internal TcpSocket(Simulator sim, ITcpSegmentSink sink, TcpConfig config, int ourMss,
                       Ipv4Address local, ushort localPort, Ipv4Address remote, ushort remotePort, uint iss,
                       uint timestampOffset = 0)
    {
        _sim = sim; _sink = sink; _cfg = config; _ourMss = ourMss; _tsOffset = timestampOffset;
        LocalAddress = local; LocalPort = localPort; RemoteAddress = remote; RemotePort = remotePort;
        _tx = new ByteRing(config.SendBufferBytes);
        _rx = new ByteRing(config.ReceiveBufferBytes);
        _rtt = new RttEstimator(config.InitialRtoNs, config.MinRtoNs, config.MaxRtoNs);
        _iss = iss; _sndUna = iss; _sndNxt = iss; _sndMax = iss; _txSeq = iss + 1; _retransmittedHigh = iss;
        _pushedSeq = iss + 1;
        _recover = iss;   // nothing to recover yet: the first loss may start fast recovery
        while (_rcvShift < 14 && (config.ReceiveBufferBytes >> _rcvShift) > 65535) _rcvShift++;
        _sndMss = 536; // RFC 9293 default until the peer's MSS option is seen
    }

    /// <summary>Local IPv4 address.</summary>
    public Ipv4Address LocalAddress { get; }
    /// <summary>Local port.</summary>
    public ushort LocalPort { get; }
    /// <summary>Remote IPv4 address.</summary>
    public Ipv4Address RemoteAddress { get; }
    /// <summary>Remote port.</summary>
    public ushort RemotePort { get; }
    /// <summary>Connection state.</summary>
    public TcpState State { get; private set; } = TcpState.Closed;
    /// <summary>Counters.</summary>
    public TcpStats Stats { get; } = new();
    /// <summary>The listener that created this socket, for passive opens.</summary>
    internal TcpListener? Listener { get; set; }

    /// <summary>Congestion window in bytes.</summary>
    public long CongestionWindow => _cwnd;
    /// <summary>The peer's advertised window in bytes (scaled).</summary>
    public long SendWindow => _sndWnd;
    /// <summary>Effective send MSS.</summary>
    public int SendMss => _sndMss;
    /// <summary>Our receive window scale shift.</summary>
    public int ReceiveWindowShift => _rcvShift;
    /// <summary>The peer's window scale shift (0 when either side did not offer scaling).</summary>
    public int SendWindowShift => _sndShift;
    /// <summary>Current retransmission timeout.</summary>
    public long RetransmissionTimeoutNs => _rtt.RtoNs;
    /// <summary>Smoothed RTT (0 before the first sample).</summary>
    public long SmoothedRttNs => _rtt.SmoothedRttNs;
    /// <summary>Bytes received in order and not yet read by the application.</summary>
    public int BytesAvailable => _rx.Count;
    /// <summary>Free space in the send buffer.</summary>
    public int SendSpace => State is TcpState.Established or TcpState.CloseWait && !_finQueued ? _tx.Free : 0;
    /// <summary>Bytes queued and not yet acknowledged.</summary>
    public int BytesUnacknowledged => _tx.Count;
    /// <summary>True once the peer's FIN arrived and all data before it was read.</summary>
    public bool RemoteClosed => _finReceived && _rx.Count == 0;
    /// <summary>Initial send sequence number.</summary>
    public uint InitialSendSequence => _iss;

    /// <summary>"10.0.0.1:32768 -> 10.0.0.2:80 ESTABLISHED".</summary>
    public override string ToString() => $"{LocalAddress}:{LocalPort} -> {RemoteAddress}:{RemotePort} {State}";

    // ---------------------------------------------------------------- opening

    /// <summary>Active open: sends the SYN. The returned task completes when ESTABLISHED.</summary>
    internal SimTask Connect()
    {
        State = TcpState.SynSent;
        _connectWaiter = new SimTask();
        SendSyn();
        return _connectWaiter;
    }

    /// <summary>Passive open from a listener that received <paramref name="syn"/>: answers SYN-ACK.</summary>
    internal void AcceptSyn(in TcpRepr syn)
    {
        State = TcpState.SynReceived;
        _irs = syn.SequenceNumber;
        _rcvNxt = syn.SequenceNumber + 1;
        ApplySynOptions(in syn);
        _sndWnd = syn.WindowSize;            // the window in a SYN is never scaled (RFC 7323 2.2)
        _maxSndWnd = _sndWnd;
        _sndWl1 = syn.SequenceNumber; _sndWl2 = _iss;
        SendSyn();
    }

    // ---------------------------------------------------------------- application API

    /// <summary>Waits for data and copies up to <paramref name="buffer"/>.Length bytes into it.
    /// Returns the count, or 0 at end of stream (the peer closed). Throws <see cref="TcpException"/>
    /// when the connection was reset or timed out.</summary>
    public SimTask<int> ReceiveAsync(Memory<byte> buffer)
    {
        if (_readWaiter is not null) throw new InvalidOperationException("a receive is already pending on this socket");
        if (_rx.Count > 0)
        {
            int n = ReadNow(buffer.Span);
            return SimTask<int>.FromResult(n);
        }
        if (_error is not null) { var t = new SimTask<int>(); t.SetFaulted(_error); return t; }
        if (_finReceived || State == TcpState.Closed) return SimTask<int>.FromResult(0);
        _readWaiter = new SimTask<int>();
        _readDest = buffer;
        return _readWaiter;
    }

    /// <summary>Queues all of <paramref name="data"/> for sending, waiting for buffer space as needed.
    /// Completes when the last byte is in the send buffer (not when it is acknowledged).</summary>
    public SimTask SendAsync(ReadOnlyMemory<byte> data)
    {
        if (_writeWaiter is not null) throw new InvalidOperationException("a send is already pending on this socket");
        if (_error is not null) { var t = new SimTask(); t.SetFaulted(_error); return t; }
        if (_finQueued || State is not (TcpState.Established or TcpState.CloseWait or TcpState.SynSent or TcpState.SynReceived))
        {
            var t = new SimTask(); t.SetFaulted(new TcpException(TcpError.Aborted, $"send on a socket in {State}")); return t;
        }
        int n = _tx.Enqueue(data.Span);
        if (n > 0) Transmit();
        if (n == data.Length) return SimTask.CompletedTask;
        _writeWaiter = new SimTask();
        _writeSrc = data[n..];
        return _writeWaiter;
    }

    /// <summary>Queues as much of <paramref name="data"/> as fits without waiting; returns the count.
    /// For bulk senders that keep the buffer full without an await per chunk.</summary>
    public int TrySend(ReadOnlySpan<byte> data)
    {
        if (SendSpace == 0) return 0;
        int n = _tx.Enqueue(data);
        if (n > 0) Transmit();
        return n;
    }

    /// <summary>Copies up to dest.Length received bytes without waiting; returns the count (0 when none).
    /// For callback-style apps that drain on <see cref="DataAvailable"/>.</summary>
    public int TryReceive(Span<byte> dest) => _rx.Count == 0 ? 0 : ReadNow(dest);

    /// <summary>Invoked (from a wake-up event) when data or end of stream arrived and no receive is pending.</summary>
    public Action<TcpSocket>? DataAvailable { get; set; }

    /// <summary>Invoked (from a wake-up event) whenever send-buffer space was freed by an ACK.</summary>
    public Action<TcpSocket>? SendSpaceAvailable { get; set; }

    /// <summary>Graceful close: a FIN follows the queued data. Reading stays possible until the peer's FIN.</summary>
    public void Close()
    {
        switch (State)
        {
            case TcpState.SynSent:
                EnterClosed();
                break;
            case TcpState.SynReceived:
                _finQueued = true;          // the FIN follows once the handshake completes
                break;
            case TcpState.Established:
                _finQueued = true;
                State = TcpState.FinWait1;
                Transmit();
                break;
            case TcpState.CloseWait:
                _finQueued = true;
                State = TcpState.LastAck;
                Transmit();
                break;
        }
    }

    /// <summary>Abortive close: sends RST and forgets the connection (SO_LINGER 0).</summary>
    public void Abort()
    {
        if (State is TcpState.Closed or TcpState.TimeWait) return;
        if (State != TcpState.SynSent)
            Emit(TcpFlags.Rst | TcpFlags.Ack, _sndNxt, default);
        Fail(new TcpException(TcpError.Aborted, "connection aborted locally"));
    }

    private int ReadNow(Span<byte> dest)
    {
        int n = _rx.Dequeue(dest);
        // Window update only when the peer is about to run out of window: what it may still send is
        // at most half of what we could now offer, and the difference is at least one MSS (receiver
        // SWS avoidance, RFC 9293 3.8.6.2.2; Linux's rule in tcp_cleanup_rbuf). Otherwise the next
        // ACK carries the larger window anyway.
        int remaining = Math.Max(0, Seq.Diff(_rcvNxt, _rcvEdgeAdvertised));
        int offer = AdvertisableWindow();
        if (State is TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2 &&
            offer - remaining >= _sndMss && offer >= 2 * remaining)
        {
            _ackNow = true;
            Transmit();
        }
        return n;
    }

    // ---------------------------------------------------------------- wake-ups and timers

    private void RequestWake()
    {
        if (_wakePending) return;
        _wakePending = true;
        _sim.Schedule(0, this, WakeEvent);
    }

    void IEventHandler.OnEvent(Simulator sim, long arg, object? state)
    {
        if (arg == WakeEvent) { _wakePending = false; Wake(); return; }
        if (sim.Now != _timerEventAt) return;          // superseded by an earlier re-arm
        _timerEventAt = Never;
        OnTimers();
        ArmTimer();
    }

    private void Wake()
    {
        if (_connectWaiter is { } cw && (State != TcpState.SynSent && State != TcpState.SynReceived || _error is not null))
        {
            _connectWaiter = null;
            if (_error is not null) cw.SetFaulted(_error); else cw.SetCompleted();
        }
        if (_readWaiter is { } rw && (_rx.Count > 0 || _finReceived || _error is not null || State == TcpState.Closed))
        {
            _readWaiter = null;
            var dest = _readDest; _readDest = default;
            if (_rx.Count > 0) rw.SetResult(ReadNow(dest.Span));
            else if (_error is not null) rw.SetFaulted(_error);
            else rw.SetResult(0);
        }
        else if (_readWaiter is null && DataAvailable is { } da && (_rx.Count > 0 || _finReceived)) da(this);
        if (_writeWaiter is { } ww)
        {
            if (_error is not null) { _writeWaiter = null; _writeSrc = default; ww.SetFaulted(_error); }
            else if (_tx.Free > 0 && State is TcpState.Established or TcpState.CloseWait)
            {
                int n = _tx.Enqueue(_writeSrc.Span);
                _writeSrc = _writeSrc[n..];
                if (n > 0) Transmit();
                if (_writeSrc.IsEmpty) { _writeWaiter = null; ww.SetCompleted(); }
            }
        }
        else if (SendSpaceAvailable is { } cb && SendSpace > 0) cb(this);
    }

    private void ArmTimer()
    {
        long next = Math.Min(_rtoAt, Math.Min(_delAckAt, _timeWaitAt));
        if (next == Never || next >= _timerEventAt) return;
        _timerEventAt = Math.Max(next, _sim.Now);   // a deadline already due fires now, not never
        _sim.ScheduleAt(_timerEventAt, this, TimerEvent);
    }

    private void OnTimers()
    {
        long now = _sim.Now;
        if (_timeWaitAt <= now) { _timeWaitAt = Never; EnterClosed(); return; }
        if (_delAckAt <= now) { _delAckAt = Never; _ackNow = true; Transmit(); }
        if (_rtoAt <= now) { _rtoAt = Never; OnRetransmissionTimeout(); }
    }

    private void EnterClosed()
    {
        if (State == TcpState.Closed) return;
        State = TcpState.Closed;
        _rtoAt = _delAckAt = _timeWaitAt = Never;
        _tx.Release(); _rx.Release();
        _sink.OnSocketClosed(this);
        RequestWake();
    }

    private void Fail(TcpException error)
    {
        _error ??= error;
        EnterClosed();
    }
}
