using MeshSim.Wire;

namespace MeshSim.Stack.Sockets;

// Option negotiation and RFC 7323 timestamps: what each SYN offers, what every later segment
// carries (TSval/TSecr, SACK blocks), TS.Recent and the PAWS check.
public sealed partial class TcpSocket
{
    private const int TimestampOptionBytes = 12;               // NOP NOP kind len TSval TSecr
    private const long PawsIdleNs = 24L * 24 * 3600 * 1_000_000_000;   // RFC 7323 5.5: TS.Recent older than 24 days is void

    private readonly uint _tsOffset;
    private bool _tsOn, _sackOn;                               // negotiated on both sides
    private bool _peerOfferedTs, _peerOfferedSack;
    private uint _tsRecent, _lastAckSent;
    private long _tsRecentAtNs;
    private uint _segTsEcr;                                    // TSecr of the segment being processed (0 = none)
    private readonly SackBlockList _sackRx = new();

    /// <summary>True when both ends agreed on timestamps (RFC 7323).</summary>
    public bool TimestampsEnabled => _tsOn;
    /// <summary>True when both ends agreed on selective acknowledgements (RFC 2018).</summary>
    public bool SackEnabled => _sackOn;

    /// <summary>This connection's TSval clock: virtual milliseconds plus a per-host-pair offset, as
    /// Linux's tcp_time_stamp_ts (1 ms granularity, tsoffset from secure_tcp_ts_off).</summary>
    private uint TsNow => (uint)(_sim.Now / 1_000_000) + _tsOffset;

    /// <summary>Reads the options of the peer's SYN or SYN-ACK: MSS, window scale, and whether
    /// timestamps and SACK are on for the connection (each needs our offer and the peer's).</summary>
    private void ApplySynOptions(in TcpRepr syn)
    {
        _sndMss = Math.Min(syn.Options.MaxSegmentSize ?? 536, _ourMss);
        _peerWindowScale = syn.Options.WindowScale.HasValue;
        if (_peerWindowScale) _sndShift = Math.Min((int)syn.Options.WindowScale!.Value, 14); // RFC 7323: larger shifts are treated as 14
        else { _sndShift = 0; _rcvShift = 0; }
        _peerOfferedTs = syn.Options.Timestamp.HasValue;
        _peerOfferedSack = syn.Options.SackPermitted;
        _tsOn = _cfg.Timestamps && _peerOfferedTs;
        _sackOn = _cfg.Sack && _peerOfferedSack;
        if (_tsOn)
        {
            SetTsRecent(syn.Options.Timestamp!.Value.Value);
            _sndMss -= TimestampOptionBytes;       // every segment carries them: less room for data (Linux mss_cache 1448)
        }
        _cwnd = (long)_cfg.InitialCwndSegments * _sndMss;
        if (_scratch.Length < _sndMss) _scratch = new byte[_sndMss];
    }

    /// <summary>Data bytes for the next new segment: the MSS less the SACK blocks it will carry,
    /// bounded as Linux's tcp_bound_to_half_wnd: a peer whose largest window so far is below two
    /// segments gets segments of half that window (all of it when that is at most 536 bytes), so
    /// that more than one segment fits in flight; never below 68 bytes of header and data.</summary>
    private int SegmentDataBytes()
    {
        int mss = _sndMss - SackOptionBytes;
        if (_maxSndWnd >= 2L * mss) return mss;                    // the common case: nothing to bound
        long cutoff = _maxSndWnd > 536 ? _maxSndWnd >> 1 : _maxSndWnd;
        if (cutoff <= 0 || mss <= cutoff) return mss;
        return (int)Math.Max(cutoff, 68 - 20 - (_tsOn ? TimestampOptionBytes : 0));
    }

    /// <summary>Our SYN offers everything configured; a SYN-ACK answers only what the peer offered
    /// (RFC 7323 3.2 for timestamps and scaling, RFC 2018 for SACK-permitted).</summary>
    private TcpOptions SynOptions()
    {
        bool active = State == TcpState.SynSent;
        bool scale = active || _peerWindowScale;
        bool ts = _cfg.Timestamps && (active || _peerOfferedTs);
        bool sack = _cfg.Sack && (active || _peerOfferedSack);
        return new TcpOptions(
            MaxSegmentSize: (ushort)_ourMss,
            WindowScale: scale ? (byte)_rcvShift : null,
            SackPermitted: sack,
            Timestamp: ts ? (TsNow, active ? 0u : _tsRecent) : null);
    }

    /// <summary>Options of a synchronized-state segment: timestamps, then SACK blocks (at most 3
    /// beside timestamps, 4 without: the 40 option bytes, Linux's tcp_established_options).</summary>
    private TcpOptions SegmentOptions()
    {
        if (!_tsOn && !_sackRx.Any) return default;
        (uint, uint)? ts = _tsOn ? (TsNow, _tsRecent) : null;
        var blocks = _sackOn && _sackRx.Any ? _sackRx.TakeForSegment(MaxSackBlocks) : default;
        return new TcpOptions(Timestamp: ts, Sack: blocks);
    }

    private int MaxSackBlocks => _tsOn ? 3 : 4;

    /// <summary>Option bytes the next segment's SACK blocks take, which its payload gives up
    /// (Linux's tcp_current_mss does the same).</summary>
    private int SackOptionBytes => _sackOn && _sackRx.Any ? _sackRx.WireLength(MaxSackBlocks) : 0;

    /// <summary>PAWS (RFC 7323 5.3, Linux tcp_paws_check): a segment whose TSval is older than
    /// TS.Recent by more than one tick is an old duplicate. A TS.Recent of 0 or one idle for 24
    /// days rejects nothing.</summary>
    private bool PawsRejects(uint tsval) =>
        _tsRecent != 0 && (int)(_tsRecent - tsval) > 1 && _sim.Now - _tsRecentAtNs < PawsIdleNs;

    /// <summary>RFC 7323 4.3: TS.Recent follows the TSval of the segment that starts at or before the
    /// last ACK we sent (Linux: seq not after rcv_wup), so TSecr echoes the oldest unacknowledged
    /// segment's time and the peer measures the delay our delayed ACK adds too.</summary>
    private void UpdateTsRecent(in TcpRepr seg)
    {
        if (!_tsOn || seg.Options.Timestamp is not (uint tsval, _)) return;
        if (Seq.Le(seg.SequenceNumber, _lastAckSent) && (int)(tsval - _tsRecent) >= 0) SetTsRecent(tsval);
    }

    private void SetTsRecent(uint tsval)
    {
        _tsRecent = tsval;
        _tsRecentAtNs = _sim.Now;
    }

    /// <summary>RTT from an echoed timestamp (Linux tcp_rtt_tsopt_us): milliseconds since the TSval
    /// that the peer echoed, at least one.</summary>
    private long TsRttNs(uint tsecr)
    {
        int ms = (int)(TsNow - tsecr);
        return ms < 0 ? -1 : Math.Max(ms, 1) * 1_000_000L;
    }
}
