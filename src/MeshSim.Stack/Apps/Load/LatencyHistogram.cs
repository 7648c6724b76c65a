using System.Globalization;
using System.Text;

namespace MeshSim.Stack.Apps.Load;

/// <summary>
/// Latency samples in nanoseconds with exact order statistics (samples are kept, sorted once on
/// demand): min, mean, p50/p90/p99 by nearest rank, max, plus fortio-style buckets for display.
/// </summary>
public sealed class LatencyHistogram
{
    private readonly List<long> _samples = new();
    private bool _sorted = true;
    private double _sum;

    /// <summary>Adds one sample.</summary>
    public void Record(long ns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ns);
        if (_samples.Count > 0 && ns < _samples[^1]) _sorted = false;
        _samples.Add(ns);
        _sum += ns;
    }

    /// <summary>Number of samples.</summary>
    public int Count => _samples.Count;
    /// <summary>Smallest sample (0 when empty).</summary>
    public long Min => Count == 0 ? 0 : Sorted()[0];
    /// <summary>Largest sample (0 when empty).</summary>
    public long Max => Count == 0 ? 0 : Sorted()[^1];
    /// <summary>Arithmetic mean (0 when empty).</summary>
    public double Mean => Count == 0 ? 0 : _sum / Count;

    /// <summary>Nearest-rank percentile: the smallest sample with at least p% of samples at or below it.</summary>
    public long Percentile(double p)
    {
        if (p is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(p), $"percentile {p} is not in 0..100");
        if (Count == 0) return 0;
        var s = Sorted();
        int rank = (int)Math.Ceiling(p / 100.0 * s.Count);
        return s[Math.Clamp(rank - 1, 0, s.Count - 1)];
    }

    private List<long> Sorted()
    {
        if (!_sorted) { _samples.Sort(); _sorted = true; }
        return _samples;
    }

    /// <summary>Buckets with edges 1-2-5 per decade (fortio prints similar ranges), only non-empty ones.</summary>
    public IEnumerable<(long FromNs, long ToNs, int Count)> Buckets()
    {
        var s = Sorted();
        int i = 0;
        long from = 0;
        foreach (long edge in Edges())
        {
            int n = 0;
            while (i < s.Count && s[i] < edge) { n++; i++; }
            if (n > 0) yield return (from, edge, n);
            from = edge;
            if (i == s.Count) yield break;
        }
    }

    private static IEnumerable<long> Edges()
    {
        for (long decade = 1_000; decade < long.MaxValue / 10; decade *= 10)
        {
            yield return decade; yield return 2 * decade; yield return 5 * decade;
        }
        yield return long.MaxValue;
    }

    /// <summary>Milliseconds with three decimals, invariant culture.</summary>
    public static string Ms(double ns) => (ns / 1e6).ToString("0.000", CultureInfo.InvariantCulture);
}
