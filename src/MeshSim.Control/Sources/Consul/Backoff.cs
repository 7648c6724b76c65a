namespace MeshSim.Control.Sources.Consul;

/// <summary>Exponential backoff with full jitter: attempt n waits uniformly in [0, min(cap, base * 2^n)].
/// Full jitter spreads clients that failed together, so they do not retry in lockstep.</summary>
public sealed class Backoff(TimeSpan initial, TimeSpan cap, Random random)
{
    private int _attempt;

    /// <summary>Failures in a row so far.</summary>
    public int Attempt => _attempt;

    /// <summary>The delay before the next retry, growing with each call until <see cref="Reset"/>.</summary>
    public TimeSpan NextDelay()
    {
        var ceiling = Math.Min(cap.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(_attempt, 30)));
        _attempt++;
        return TimeSpan.FromMilliseconds(random.NextDouble() * ceiling);
    }

    /// <summary>After a success.</summary>
    public void Reset() => _attempt = 0;
}
