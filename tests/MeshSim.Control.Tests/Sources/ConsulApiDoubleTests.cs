using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using MeshSim.Control.Registry;
using MeshSim.Control.Sources;
using MeshSim.Control.Sources.Consul;

namespace MeshSim.Control.Tests.Sources;

/// <summary>
/// The Consul client, watcher and mapping against HashiCorp's own published response shapes (the
/// templates of npm @hashicorp/consul-api-double 6.1.5). Each test compares what our models parsed
/// with the raw JSON the double sent, so a renamed or missing field shows up as a failure here.
/// What the double's templates do, from their source: every answer carries X-Consul-Index
/// (index + 1 when the request had one, else 2); a request with an index is held CONSUL_LATENCY ms
/// (default 60 s, whatever <c>wait</c> says); counts come from cookies (CONSUL_NODE_COUNT, ...);
/// the first two checks of every instance are critical; ports are random in 0-65535; service names
/// ending in -proxy / -mesh-gateway get a Kind; intentions come in the legacy form (ID, Action) and
/// the L7 form (Permissions, no Action). 6.1.5 has no template for /v1/catalog/services (404).
/// </summary>
[Collection("consul-api-double")]
public class ConsulApiDoubleTests(ConsulApiDouble dbl)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(2);

    private (ConsulClient Client, RecordingHandler Recorder) Connect(params (string Name, string Value)[] templateVariables)
    {
        var recorder = new RecordingHandler(templateVariables.ToDictionary(v => v.Name, v => v.Value));
        return (new ConsulClient(new HttpClient(recorder), dbl.BaseAddress!), recorder);
    }

    [SkippableFact]
    public async Task Health_entries_carry_every_field_the_mapping_reads()
    {
        dbl.RequireOrSkip();
        var (client, recorder) = Connect(("CONSUL_NODE_COUNT", "6"), ("CONSUL_CHECK_COUNT", "4"), ("CONSUL_TAG_COUNT", "3"));

        var result = await client.HealthServiceAsync("web", passingOnly: false, 0, Wait, CancellationToken.None);

        using var raw = JsonDocument.Parse(recorder.Last("/v1/health/service/web").ResponseBody);
        Assert.Equal(6, raw.RootElement.GetArrayLength());
        Assert.Equal(6, result.Value.Count);
        foreach (var (entry, json) in result.Value.Zip(raw.RootElement.EnumerateArray()))
        {
            var node = json.GetProperty("Node");
            var service = json.GetProperty("Service");
            Assert.Equal(node.GetProperty("Node").GetString(), entry.Node.Name);
            Assert.Equal(node.GetProperty("Address").GetString(), entry.Node.Address);
            Assert.Equal(service.GetProperty("ID").GetString(), entry.Service.Id);
            Assert.Equal("web", entry.Service.Name);
            Assert.Equal(service.GetProperty("Address").GetString(), entry.Service.Address);
            Assert.Equal(service.GetProperty("Port").GetInt32(), entry.Service.Port);
            Assert.Equal(service.GetProperty("Tags").EnumerateArray().Select(t => t.GetString()!), entry.Service.Tags!);
            Assert.Equal(3, entry.Service.Tags!.Count);
            if (service.TryGetProperty("Meta", out var meta))
                Assert.Equal(meta.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!), entry.Service.Meta!);
            else Assert.Null(entry.Service.Meta);
            Assert.Null(entry.Service.Weights);      // the double leaves Weights out: the mapping then uses weight 1
            Assert.Null(entry.Service.Kind);
            var checks = json.GetProperty("Checks").EnumerateArray().ToList();
            Assert.Equal(checks.Select(c => (c.GetProperty("CheckID").GetString(), c.GetProperty("Status").GetString()!)),
                         entry.Checks.Select(c => (c.CheckId, c.Status)));
            var statuses = checks.Select(c => c.GetProperty("Status").GetString()).ToList();
            Assert.Equal(statuses.Contains("critical") ? "critical" : statuses.Contains("warning") ? "warning" : "passing", entry.AggregatedStatus);
        }
        Assert.Equal(2UL, result.Index);                                 // no index asked: the double answers 1 + 1

        // Fields our models do not declare were there and were ignored.
        var unknown = UnknownFields(raw.RootElement);
        Assert.Superset(new HashSet<string> { "Node.TaggedAddresses", "Node.Datacenter", "Service.Proxy", "Service.EnableTagOverride", "Checks.Output", "Checks.Notes" }, unknown);
    }

    [SkippableFact]
    public async Task The_passing_filter_holds_even_though_the_double_ignores_it()
    {
        dbl.RequireOrSkip();
        var (client, recorder) = Connect(("CONSUL_NODE_COUNT", "5"), ("CONSUL_CHECK_COUNT", "3"), ("CONSUL_TAG_COUNT", "1"));

        var result = await client.HealthServiceAsync("api", passingOnly: true, 0, Wait, CancellationToken.None);

        var exchange = recorder.Last("/v1/health/service/api");
        Assert.Equal("?passing", exchange.Uri.Query);
        using var raw = JsonDocument.Parse(exchange.ResponseBody);
        var passingIds = raw.RootElement.EnumerateArray()
            .Where(e => e.GetProperty("Checks").EnumerateArray().All(c => c.GetProperty("Status").GetString() == "passing"))
            .Select(e => e.GetProperty("Service").GetProperty("ID").GetString()).ToList();
        Assert.True(raw.RootElement.GetArrayLength() > passingIds.Count, "the double sent instances with failing checks");
        Assert.Equal(passingIds, result.Value.Select(e => e.Service.Id));
    }

    [SkippableFact]
    public async Task Proxies_and_gateways_parse_and_are_rejected_by_the_mapping_by_name()
    {
        dbl.RequireOrSkip();
        var (client, _) = Connect(("CONSUL_NODE_COUNT", "3"), ("CONSUL_CHECK_COUNT", "2"), ("CONSUL_TAG_COUNT", "1"),
                                  ("CONSUL_UPSTREAM_COUNT", "2"), ("CONSUL_EXPOSED_COUNT", "1"));
        var proxies = (await client.HealthServiceAsync("web-sidecar-proxy", false, 0, Wait, CancellationToken.None)).Value;
        var gateways = (await client.HealthServiceAsync("edge-mesh-gateway", false, 0, Wait, CancellationToken.None)).Value;
        Assert.All(proxies, e => Assert.Equal("connect-proxy", e.Service.Kind));
        Assert.All(gateways, e => Assert.Equal("mesh-gateway", e.Service.Kind));

        var snapshot = new ConsulSnapshot(new SortedDictionary<string, IReadOnlyList<ConsulHealthEntry>>(StringComparer.Ordinal)
        {
            ["web-sidecar-proxy"] = proxies, ["edge-mesh-gateway"] = gateways,
        }, [], 2);
        var mapped = RegistryMapping.FromConsul(snapshot);
        Assert.All(mapped.Registry.Services, s => Assert.Empty(s.Instances));
        Assert.Equal(proxies.Count + gateways.Count, mapped.Rejected.Count);
        foreach (var e in proxies.Concat(gateways))
            Assert.Contains(mapped.Rejected, r => r.Contains($"instance {e.Service.Id} on node {e.Node.Name}: Kind \"{e.Service.Kind}\" is a Connect proxy or gateway"));
    }

    [SkippableFact]
    public async Task Every_instance_the_double_makes_is_mapped_or_rejected_with_its_reason_never_a_crash()
    {
        dbl.RequireOrSkip();
        var (client, _) = Connect(("CONSUL_NODE_COUNT", "40"), ("CONSUL_CHECK_COUNT", "2"), ("CONSUL_TAG_COUNT", "2"));
        var entries = (await client.HealthServiceAsync("web", false, 0, Wait, CancellationToken.None)).Value;

        var mapped = RegistryMapping.FromConsul(new ConsulSnapshot(
            new SortedDictionary<string, IReadOnlyList<ConsulHealthEntry>>(StringComparer.Ordinal) { ["web"] = entries }, [], 2));

        // HashiCorp's instances have no meshsim-mac Meta (and some have port 0): none can be placed on a switch.
        Assert.Empty(mapped.Registry.Find("web")!.Instances);
        Assert.Equal(entries.Count, mapped.Rejected.Count);
        foreach (var (e, why) in entries.Zip(mapped.Rejected))
        {
            Assert.StartsWith($"consul service web, instance {e.Service.Id} on node {e.Node.Name}: ", why);
            Assert.Contains(e.Service.Port == 0 ? "Port 0 is not 1-65535" : "Meta[\"meshsim-mac\"] must hold the instance's MAC address", why);
        }
    }

    [SkippableFact]
    public async Task Intentions_of_both_forms_parse_and_l7_ones_are_rejected_with_a_reason()
    {
        dbl.RequireOrSkip();
        var (client, recorder) = Connect(("CONSUL_INTENTION_COUNT", "12"), ("CONSUL_INTENTION_PERMISSION_COUNT", "2"), ("CONSUL_HEADER_COUNT", "1"));

        var result = await client.IntentionsAsync(0, Wait, CancellationToken.None);

        using var raw = JsonDocument.Parse(recorder.Last("/v1/connect/intentions").ResponseBody);
        var json = raw.RootElement.EnumerateArray().ToList();
        Assert.Equal(12, json.Count);
        Assert.Equal(json.Count, result.Value.Count);
        Assert.Contains(json, j => j.TryGetProperty("Permissions", out _));
        Assert.Contains(json, j => j.TryGetProperty("Action", out _));
        foreach (var (i, j) in result.Value.Zip(json))
        {
            Assert.Equal(j.GetProperty("SourceName").GetString(), i.SourceName);
            Assert.Equal(j.GetProperty("DestinationName").GetString(), i.DestinationName);
            Assert.Equal(j.GetProperty("Precedence").GetInt32(), i.Precedence);
            Assert.Equal(j.TryGetProperty("Action", out var a) ? a.GetString() : null, i.Action);
            Assert.Equal(j.TryGetProperty("ID", out var id) ? id.GetString() : null, i.Id);
            if (j.TryGetProperty("Permissions", out var perms))
            {
                var expected = perms.EnumerateArray().Select(p => (
                    p.GetProperty("Action").GetString(),
                    Str(p.GetProperty("HTTP"), "PathExact"), Str(p.GetProperty("HTTP"), "PathPrefix"), Str(p.GetProperty("HTTP"), "PathRegex"),
                    p.GetProperty("HTTP").TryGetProperty("Methods", out var m) ? string.Join(',', m.EnumerateArray().Select(x => x.GetString())) : null));
                Assert.Equal(expected, i.Permissions!.Select(p => ((string?)p.Action, p.Http!.PathExact, p.Http.PathPrefix, p.Http.PathRegex,
                    p.Http.Methods is null ? null : string.Join(',', p.Http.Methods))));
            }
            else Assert.Null(i.Permissions);
        }

        var mapped = RegistryMapping.FromConsul(new ConsulSnapshot(
            new SortedDictionary<string, IReadOnlyList<ConsulHealthEntry>>(StringComparer.Ordinal), result.Value, 2));
        var l4 = result.Value.Where(i => i.Permissions is null).ToList();
        Assert.Equal(l4.Select(i => new Intention(i.SourceName, i.DestinationName, i.Action == "allow" ? IntentionAction.Allow : IntentionAction.Deny)).OrderBy(i => i.ToString(), StringComparer.Ordinal),
                     mapped.Registry.Policy.Intentions.OrderBy(i => i.ToString(), StringComparer.Ordinal));
        foreach (var l7 in result.Value.Where(i => i.Permissions is not null))
            Assert.Contains(mapped.Rejected, r => r.StartsWith($"consul intention {l7.SourceName} -> {l7.DestinationName}: {l7.Permissions!.Count} L7 permission(s) ({l7.Permissions[0].Action}", StringComparison.Ordinal)
                                                  && r.Contains("the pair falls back to the default policy"));
        Assert.Equal(result.Value.Count - l4.Count, mapped.Rejected.Count);
    }

    [SkippableFact]
    public async Task Blocking_queries_send_index_and_wait_and_follow_the_index_the_double_returns()
    {
        dbl.RequireOrSkip();
        var (client, recorder) = Connect(("CONSUL_LATENCY", "150"), ("CONSUL_NODE_COUNT", "1"), ("CONSUL_CHECK_COUNT", "1"), ("CONSUL_TAG_COUNT", "1"));

        var first = await client.HealthServiceAsync("web", false, 0, Wait, CancellationToken.None);
        var sw = Stopwatch.StartNew();
        var second = await client.HealthServiceAsync("web", false, first.Index, Wait, CancellationToken.None);
        Assert.True(sw.ElapsedMilliseconds >= 140, $"held {sw.ElapsedMilliseconds} ms");
        Assert.Equal("?index=2&wait=2000ms", recorder.Last("/v1/health/service/web").Uri.Query);
        Assert.Equal(first.Index + 1, second.Index);
        Assert.Equal(second.Index, BlockingIndex.Next(first.Index, second.Index));

        var intentions = await client.IntentionsAsync(41, Wait, CancellationToken.None);
        Assert.Equal("?index=41&wait=2000ms", recorder.Last("/v1/connect/intentions").Uri.Query);
        Assert.Equal(42UL, intentions.Index);
    }

    [SkippableFact]
    public async Task A_server_that_holds_a_blocking_query_past_its_wait_is_a_timeout_not_a_hang()
    {
        dbl.RequireOrSkip();
        var (_, recorder) = Connect(("CONSUL_NODE_COUNT", "1"), ("CONSUL_CHECK_COUNT", "1"), ("CONSUL_TAG_COUNT", "1"));   // no CONSUL_LATENCY: held 60 s
        var client = new ConsulClient(new HttpClient(recorder), dbl.BaseAddress!) { ResponseGrace = TimeSpan.FromMilliseconds(300) };
        var sw = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<ConsulUnavailableException>(() => client.HealthServiceAsync("web", false, 5, TimeSpan.FromMilliseconds(320), CancellationToken.None));
        Assert.Equal("consul /v1/health/service/web: unavailable: timed out", ex.Message);
        Assert.InRange(sw.ElapsedMilliseconds, 600, 10_000);        // wait 320 + 320/16 + grace 300
    }

    [SkippableFact]
    public async Task The_catalog_endpoint_the_double_lacks_is_a_clear_bad_answer_and_the_watcher_stays_static()
    {
        dbl.RequireOrSkip();
        var (client, _) = Connect();
        var ex = await Assert.ThrowsAsync<ConsulBadAnswerException>(() => client.CatalogServicesAsync(0, Wait, CancellationToken.None));
        Assert.StartsWith("consul /v1/catalog/services: bad answer: HTTP 404 Not Found:", ex.Message);

        var watcher = new ConsulWatcher(client, Wait, new Backoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(40), new Random(3)));
        var snapshots = 0;
        var statuses = new List<ConsulSourceStatus>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = watcher.RunAsync(_ => Interlocked.Increment(ref snapshots), s => { lock (statuses) { statuses.Add(s); if (statuses.Count >= 3) cts.Cancel(); } }, cts.Token);
        await run;
        Assert.Equal(0, snapshots);
        Assert.True(statuses.Count >= 3, "the watcher gave up or hung instead of retrying");
        Assert.All(statuses, s => { Assert.False(s.Reachable); Assert.Contains("/v1/catalog/services: bad answer: HTTP 404", s.Error); });
        Assert.Equal([1, 2, 3], statuses.Take(3).Select(s => s.ConsecutiveFailures));
    }

    [SkippableFact]
    public async Task The_watcher_builds_a_snapshot_from_the_doubles_health_and_intentions()
    {
        dbl.RequireOrSkip();
        var (client, recorder) = Connect(("CONSUL_NODE_COUNT", "4"), ("CONSUL_CHECK_COUNT", "2"), ("CONSUL_TAG_COUNT", "1"),
                                         ("CONSUL_INTENTION_COUNT", "6"), ("CONSUL_INTENTION_PERMISSION_COUNT", "1"), ("CONSUL_HEADER_COUNT", "1"));
        // The one endpoint 6.1.5 has no template for is answered here, in Consul's documented shape.
        recorder.Overrides["/v1/catalog/services"] = ("""{"consul":[],"web":["v1"],"api":[],"api-sidecar-proxy":[]}""", "7");
        var watcher = new ConsulWatcher(client, Wait, new Backoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(40), new Random(3)));

        var (snapshot, index) = await watcher.PollAsync(0, CancellationToken.None);

        Assert.Equal(7UL, index);
        Assert.Equal(["api", "api-sidecar-proxy", "web"], snapshot.Services.Keys);      // the servers' own "consul" service is not a mesh service
        Assert.All(snapshot.Services.Values, entries => Assert.Equal(4, entries.Count));
        Assert.Equal(6, snapshot.Intentions.Count);
        Assert.Empty(watcher.PartialErrors);
        var mapped = RegistryMapping.FromConsul(snapshot);
        Assert.Equal(12 + snapshot.Intentions.Count(i => i.Permissions is not null), mapped.Rejected.Count);
        Assert.Equal(snapshot.Intentions.Count(i => i.Permissions is null), mapped.Registry.Policy.Intentions.Count);
    }

    [SkippableFact]
    public async Task Agent_registration_sends_consuls_field_names_and_leaves_unset_ones_out()
    {
        dbl.RequireOrSkip();
        var (client, recorder) = Connect();
        await client.RegisterAsync(new ConsulServiceRegistration("web-1", "web", "10.0.0.5", 8080,
            Meta: new Dictionary<string, string> { [RegistryMapping.MacMeta] = "02:00:00:00:00:05" }), CancellationToken.None);

        var exchange = recorder.Last("/v1/agent/service/register");
        Assert.Equal(HttpMethod.Put, exchange.Method);
        Assert.Equal(200, exchange.Status);
        using var sent = JsonDocument.Parse(exchange.RequestBody!);
        Assert.Equal(["ID", "Name", "Address", "Port", "Meta"], sent.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("02:00:00:00:00:05", sent.RootElement.GetProperty("Meta").GetProperty("meshsim-mac").GetString());
    }

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() : null;

    /// <summary>"Object.Field" names present in the double's health entries that our models do not declare.</summary>
    private static HashSet<string> UnknownFields(JsonElement entries)
    {
        var declared = new Dictionary<string, HashSet<string>>
        {
            ["Node"] = Declared(typeof(ConsulNode)), ["Service"] = Declared(typeof(ConsulAgentService)), ["Checks"] = Declared(typeof(ConsulCheck)),
        };
        var unknown = new HashSet<string>();
        foreach (var entry in entries.EnumerateArray())
            foreach (var (part, known) in declared)
            {
                var value = entry.GetProperty(part);
                var objects = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : [value];
                foreach (var o in objects)
                    foreach (var p in o.EnumerateObject().Where(p => !known.Contains(p.Name)))
                        unknown.Add($"{part}.{p.Name}");
            }
        return unknown;
    }

    private static HashSet<string> Declared(Type t) =>
        t.GetProperties().Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name).OfType<string>().ToHashSet();
}
