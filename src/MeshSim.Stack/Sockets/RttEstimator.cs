namespace MeshSim.Stack.Sockets;

/// <summary>
/// The retransmission timer's value per RFC 6298: SRTT and RTTVAR from samples (Karn's rule is the
/// caller's: never sample a retransmitted segment), RTO = SRTT + max(G, 4·RTTVAR) clamped to
/// [MinRto, MaxRto], doubled on each timeout (backoff) until a new sample arrives.
/// </summary>
internal sealed class RttEstimator
{
    private readonly long _minRto, _maxRto, _granularity;
    private bool _hasSample;
    private long _srtt, _rttvar, _rto;
    private int _backoff;

    public RttEstimator(long initialRtoNs, long minRtoNs, long maxRtoNs, long granularityNs = 1_000_000)
    {
        _rto = initialRtoNs; _minRto = minRtoNs; _maxRto = maxRtoNs; _granularity = granularityNs;
    }

    public long SmoothedRttNs => _srtt;
    public long RttVarNs => _rttvar;
    public int Backoff => _backoff;

    /// <summary>The current timeout including backoff.</summary>
    public long RtoNs => Math.Min(_maxRto, _rto << Math.Min(_backoff, 30));

    public void Sample(long rttNs)
    {
        if (!_hasSample)
        {
            _srtt = rttNs; _rttvar = rttNs / 2; _hasSample = true;       // RFC 6298 2.2
        }
        else
        {
            _rttvar = (3 * _rttvar + Math.Abs(_srtt - rttNs)) / 4;      // beta = 1/4
            _srtt = (7 * _srtt + rttNs) / 8;                            // alpha = 1/8
        }
        _rto = Math.Clamp(_srtt + Math.Max(_granularity, 4 * _rttvar), _minRto, _maxRto);
        _backoff = 0;
    }

    /// <summary>A timeout fired: back the timer off (RFC 6298 5.5).</summary>
    public void OnTimeout() { if (RtoNs < _maxRto) _backoff++; }

    /// <summary>Data was acknowledged without a usable sample: keep the value, drop the backoff
    /// (RFC 6298 allows either; Linux does this).</summary>
    public void ResetBackoff() => _backoff = 0;
}
