using MeshSim.Stack.Apps.Load;

namespace MeshSim.Stack.Tests.Apps;

public class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        var h = new LatencyHistogram();
        foreach (var v in new long[] { 50, 10, 40, 20, 30, 60, 70, 80, 90, 100 }) h.Record(v * 1000);
        Assert.Equal(10_000, h.Min);
        Assert.Equal(100_000, h.Max);
        Assert.Equal(55_000, h.Mean);
        Assert.Equal(50_000, h.Percentile(50));
        Assert.Equal(90_000, h.Percentile(90));
        Assert.Equal(100_000, h.Percentile(99));
        Assert.Equal(10_000, h.Percentile(0));
    }

    [Fact]
    public void Buckets_partition_the_samples()
    {
        var h = new LatencyHistogram();
        var rng = new Random(1);
        var samples = Enumerable.Range(0, 1000).Select(_ => rng.NextInt64(0, 50_000_000)).ToList();
        samples.ForEach(h.Record);
        var buckets = h.Buckets().ToList();
        Assert.Equal(1000, buckets.Sum(b => b.Count));
        Assert.All(buckets.Zip(buckets.Skip(1)), p => Assert.True(p.First.ToNs <= p.Second.FromNs));   // ascending, disjoint
        Assert.All(buckets, b => Assert.Equal(samples.Count(v => v >= b.FromNs && v < b.ToNs), b.Count));
    }

    [Fact]
    public void Bad_percentile_and_negative_samples_are_refused()
    {
        var h = new LatencyHistogram();
        Assert.Throws<ArgumentOutOfRangeException>(() => h.Percentile(101));
        Assert.Throws<ArgumentOutOfRangeException>(() => h.Record(-1));
        Assert.Equal(0, h.Percentile(50));
    }
}
