using System.Diagnostics;
using MeshSim.Control.Sources.Consul;

namespace MeshSim.Control.Tests.Sources;

public class ConsulClientTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_blocking_query_returns_when_the_index_moves_not_before()
    {
        using var consul = new FakeConsul();
        consul.Register("product-api", "product-api-1", "192.168.1.12", 19572);
        var client = new ConsulClient(new HttpClient(), consul.BaseAddress);

        var first = await client.CatalogServicesAsync(0, Wait, CancellationToken.None);
        Assert.Equal(["product-api"], first.Value.Keys);

        var sw = Stopwatch.StartNew();
        var blocked = client.CatalogServicesAsync(first.Index, Wait, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(blocked.IsCompleted);                      // nothing changed: still waiting
        consul.Register("payments-api", "payments-api-1", "192.168.1.13", 13427);
        var second = await blocked;
        Assert.True(sw.Elapsed < Wait);                          // woke on the write, not the timeout
        Assert.True(second.Index > first.Index);
        Assert.Equal(["payments-api", "product-api"], second.Value.Keys.Order());
    }

    [Fact]
    public async Task A_blocking_query_times_out_with_the_same_index()
    {
        using var consul = new FakeConsul();
        var client = new ConsulClient(new HttpClient(), consul.BaseAddress);
        var first = await client.CatalogServicesAsync(0, Wait, CancellationToken.None);
        var again = await client.CatalogServicesAsync(first.Index, TimeSpan.FromMilliseconds(200), CancellationToken.None);
        Assert.Equal(first.Index, again.Index);
    }

    [Theory]
    [InlineData(5UL, 7UL, 7UL)]     // forwards: use it
    [InlineData(7UL, 7UL, 7UL)]     // unchanged (a timeout)
    [InlineData(9UL, 3UL, 0UL)]     // backwards: reset and read everything again
    [InlineData(9UL, 0UL, 1UL)]     // zero is never sent back
    [InlineData(0UL, 0UL, 1UL)]
    public void Index_rules_follow_consul(ulong previous, ulong received, ulong next) =>
        Assert.Equal(next, BlockingIndex.Next(previous, received));

    [Fact]
    public async Task Garbage_is_a_bad_answer_naming_endpoint_and_position()
    {
        using var consul = new FakeConsul { GarbageFor = "web" };
        consul.Register("web", "web-1", "10.0.0.1", 80);
        var client = new ConsulClient(new HttpClient(), consul.BaseAddress);
        var ex = await Assert.ThrowsAsync<ConsulBadAnswerException>(() => client.HealthServiceAsync("web", false, 0, Wait, CancellationToken.None));
        Assert.Contains("consul /v1/health/service/web: bad answer: invalid JSON at line 1", ex.Message);
        Assert.Contains("$[0].Node.Address", ex.Message);
    }

    [Fact]
    public async Task Server_errors_are_unavailable_and_acl_denials_are_bad_answers()
    {
        using var consul = new FakeConsul(requiredToken: "s3cret") { FailNextRequests = 0 };
        var denied = new ConsulClient(new HttpClient(), consul.BaseAddress, token: "wrong");
        var ex = await Assert.ThrowsAsync<ConsulBadAnswerException>(() => denied.CatalogServicesAsync(0, Wait, CancellationToken.None));
        Assert.Contains("HTTP 403", ex.Message);

        var client = new ConsulClient(new HttpClient(), consul.BaseAddress, token: "s3cret");
        consul.FailNextRequests = 1;
        await Assert.ThrowsAsync<ConsulUnavailableException>(() => client.CatalogServicesAsync(0, Wait, CancellationToken.None));
        var ok = await client.CatalogServicesAsync(0, Wait, CancellationToken.None);
        Assert.Empty(ok.Value);
        Assert.Contains("s3cret", consul.TokensSeen);
    }

    [Fact]
    public async Task Nobody_listening_is_unavailable()
    {
        using var consul = new FakeConsul();
        var address = consul.BaseAddress;
        consul.Dispose();
        var client = new ConsulClient(new HttpClient(), address);
        await Assert.ThrowsAsync<ConsulUnavailableException>(() => client.CatalogServicesAsync(0, Wait, CancellationToken.None));
    }

    [Fact]
    public void Backoff_grows_is_capped_and_jittered()
    {
        var b = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), new Random(7));
        var delays = Enumerable.Range(0, 12).Select(_ => b.NextDelay()).ToList();
        for (int i = 0; i < delays.Count; i++)
            Assert.InRange(delays[i].TotalMilliseconds, 0, Math.Min(2000, 100 * Math.Pow(2, i)));
        Assert.True(delays.Distinct().Count() > 6);            // jittered, not a fixed ladder
        b.Reset();
        Assert.InRange(b.NextDelay().TotalMilliseconds, 0, 100);
    }
}
