using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace MeshSim.Engine.Tests;

public class SimRandomTests
{
    [Fact]
    public void Named_streams_are_stable_and_independent_of_creation_order()
    {
        var sim = new Simulator(123);
        var x1 = sim.Random("host/h1/isn").NextUInt64();
        _ = sim.Random("host/h2/isn").NextUInt64();
        var x2 = new Simulator(123).Random("host/h1/isn").NextUInt64();
        Assert.Equal(x1, x2);
        Assert.NotEqual(x1, new Simulator(124).Random("host/h1/isn").NextUInt64());
        Assert.NotEqual(x1, sim.Random("host/h2/isn").NextUInt64());
    }

    [Fact]
    public void Stream_hash_is_fnv1a_over_utf8()
    {
        // Reference values of 64-bit FNV-1a: "" is the offset basis; "a" is the published test vector.
        Assert.Equal(0xcbf29ce484222325UL, SimRandom.StableHash(""));
        Assert.Equal(0xaf63dc4c8601ec8cUL, SimRandom.StableHash("a"));
    }

    [Fact]
    public void Xoshiro256_starstar_with_splitmix_seeding_matches_an_independent_reference()
    {
        // Expected values come from a separate Python transcription of splitmix64 + xoshiro256**
        // (whose splitmix64(0) gives the published first output 0xe220a8397b1dcdaf). Any change to
        // the generator would silently change every scenario's output, so it is pinned here.
        var r = new SimRandom(0);
        Assert.Equal(0x99ec5f36cb75f2b4UL, r.NextUInt64());
        Assert.Equal(0xbf6e1f784956452aUL, r.NextUInt64());
        Assert.Equal(0x1a5f849d4933e6e0UL, r.NextUInt64());
        var q = new SimRandom(12345);
        Assert.Equal(0xbe6a36374160d49bUL, q.NextUInt64());
        Assert.Equal(0x214aaa0637a688c6UL, q.NextUInt64());
    }

    [Property(MaxTest = 500)]
    public bool Bounded_draws_stay_in_range(ulong seed, PositiveInt bound, int min, NonNegativeInt span)
    {
        var r = new SimRandom(seed);
        ulong max = (ulong)bound.Get;
        int lo = min / 2, hi = lo + span.Get % 1000 + 1;
        for (int i = 0; i < 20; i++)
        {
            if (r.NextUInt64(max) >= max) return false;
            int v = r.Next(lo, hi);
            if (v < lo || v >= hi) return false;
            double d = r.NextDouble();
            if (d < 0 || d >= 1) return false;
        }
        return true;
    }

    [Fact]
    public void Uniform_draws_cover_small_ranges_evenly()
    {
        var r = new SimRandom(99);
        var counts = new int[6];
        for (int i = 0; i < 60_000; i++) counts[r.NextUInt64(6)]++;
        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));   // sd ~91: 5.5 sd margin
        Assert.Throws<ArgumentOutOfRangeException>(() => r.NextUInt64(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => r.Next(5, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => r.ExponentialNs(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => r.ExponentialNs(double.NaN));
    }

    [Fact]
    public void Full_int_range_draws_do_not_overflow()
    {
        var r = new SimRandom(1);
        for (int i = 0; i < 1000; i++) _ = r.Next(int.MinValue, int.MaxValue);
        Assert.Equal(int.MinValue, new SimRandom(2).Next(int.MinValue, int.MinValue + 1));
    }

    [Fact]
    public void Exponential_draws_have_the_requested_mean()
    {
        var r = new SimRandom(4);
        double sum = 0;
        for (int i = 0; i < 100_000; i++) sum += r.ExponentialNs(10_000);
        Assert.InRange(sum / 100_000, 9_850, 10_150);   // sd of the mean ~32 ns, minus ~0.5 ns truncation
    }
}
