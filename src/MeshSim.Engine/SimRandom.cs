using System.Text;

namespace MeshSim.Engine;

/// <summary>
/// MeshSim's own deterministic generator (xoshiro256**), independent of the platform RNG so that
/// output never changes with the runtime. Streams are derived by NAME from the scenario seed
/// ("host/h1/tcp-isn"), so adding a component does not shift the numbers any other one draws.
/// </summary>
public sealed class SimRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Seeds the four state words from <paramref name="seed"/> with SplitMix64.</summary>
    public SimRandom(ulong seed)
    {
        _s0 = SplitMix(ref seed); _s1 = SplitMix(ref seed); _s2 = SplitMix(ref seed); _s3 = SplitMix(ref seed);
    }

    /// <summary>The stream named <paramref name="name"/> under <paramref name="scenarioSeed"/>; stable across processes and platforms.</summary>
    public static SimRandom ForStream(ulong scenarioSeed, string name) => new(scenarioSeed ^ StableHash(name));

    /// <summary>FNV-1a over the UTF-8 bytes: a hash that never changes between runs (unlike string.GetHashCode).</summary>
    public static ulong StableHash(string text)
    {
        ulong h = 0xcbf29ce484222325UL;
        foreach (byte b in Encoding.UTF8.GetBytes(text)) { h ^= b; h *= 0x100000001b3UL; }
        return h;
    }

    /// <summary>Next 64 uniformly distributed bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3; _s2 ^= t; _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, <paramref name="maxExclusive"/>) without modulo bias (Lemire's method).</summary>
    public ulong NextUInt64(ulong maxExclusive)
    {
        if (maxExclusive == 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "bound must be > 0");
        ulong x = NextUInt64();
        UInt128 m = (UInt128)x * maxExclusive;
        ulong low = (ulong)m;
        if (low < maxExclusive)
        {
            ulong threshold = (0 - maxExclusive) % maxExclusive;
            while (low < threshold) { x = NextUInt64(); m = (UInt128)x * maxExclusive; low = (ulong)m; }
        }
        return (ulong)(m >> 64);
    }

    /// <summary>Uniform int in [<paramref name="min"/>, <paramref name="maxExclusive"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is not above <paramref name="min"/>.</exception>
    public int Next(int min, int maxExclusive)
    {
        if (maxExclusive <= min)
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, $"must be greater than min ({min})");
        return (int)(min + (long)NextUInt64((ulong)((long)maxExclusive - min)));
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Exponentially distributed duration with the given mean, in whole nanoseconds (truncated).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative or non-finite mean.</exception>
    public long ExponentialNs(double meanNs)
    {
        if (!(meanNs >= 0) || double.IsInfinity(meanNs))
            throw new ArgumentOutOfRangeException(nameof(meanNs), meanNs, "mean must be a finite number >= 0 ns");
        return (long)(-Math.Log(1.0 - NextDouble()) * meanNs);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
