namespace MeshSim.Control.Sources.Consul;

/// <summary>
/// Keeps a <see cref="ConsulSnapshot"/> current with blocking queries: waits on the catalog index,
/// then reads every service's health and the intentions, and publishes a snapshot when anything
/// changed. On any failure it keeps the last good snapshot (fail-static), reports the outage and
/// retries with jittered exponential backoff; a service whose answer is garbage is reported and its
/// previous entries are kept, so one bad service never blocks updates of the others.
/// </summary>
public sealed class ConsulWatcher(ConsulClient client, TimeSpan wait, Backoff backoff)
{
    private readonly Dictionary<string, IReadOnlyList<ConsulHealthEntry>> _lastGood = new(StringComparer.Ordinal);
    private IReadOnlyList<ConsulIntention> _intentions = [];

    /// <summary>Runs until <paramref name="ct"/> is cancelled, calling <paramref name="onSnapshot"/> on change
    /// and <paramref name="onStatus"/> on every failure and recovery.</summary>
    public async Task RunAsync(Action<ConsulSnapshot> onSnapshot, Action<ConsulSourceStatus> onStatus, CancellationToken ct)
    {
        ulong index = 0;
        ConsulSnapshot? published = null;
        bool failing = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var (snapshot, received) = await PollAsync(index, ct);
                index = BlockingIndex.Next(index, received);
                if (failing) onStatus(new ConsulSourceStatus(true, null, 0, TimeSpan.Zero));
                failing = false;
                backoff.Reset();
                if (published is null || !SameContent(published, snapshot))
                {
                    published = snapshot;
                    onSnapshot(snapshot);
                }
            }
            catch (Exception ex) when (ex is ConsulUnavailableException or ConsulBadAnswerException && !ct.IsCancellationRequested)
            {
                failing = true;
                var delay = backoff.NextDelay();
                onStatus(new ConsulSourceStatus(false, ex.Message, backoff.Attempt, delay));
                try { await Task.Delay(delay, ct); } catch (OperationCanceledException) { return; }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>One round: a blocking catalog read, then every service's health and the intentions.</summary>
    public async Task<(ConsulSnapshot Snapshot, ulong Index)> PollAsync(ulong index, CancellationToken ct)
    {
        var catalog = await client.CatalogServicesAsync(index, wait, ct);
        var services = new SortedDictionary<string, IReadOnlyList<ConsulHealthEntry>>(StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var name in catalog.Value.Keys.Order(StringComparer.Ordinal))
        {
            if (name == "consul") continue;   // the servers themselves are not mesh services
            try
            {
                var health = await client.HealthServiceAsync(name, passingOnly: false, 0, wait, ct);
                var entries = health.Value.OrderBy(e => e.Service.Id, StringComparer.Ordinal).ToList();
                _lastGood[name] = entries;
                services[name] = entries;
            }
            catch (ConsulBadAnswerException ex)
            {
                errors.Add(ex.Message);
                if (_lastGood.TryGetValue(name, out var previous)) services[name] = previous;
            }
        }
        foreach (var gone in _lastGood.Keys.Where(k => !catalog.Value.ContainsKey(k)).ToList()) _lastGood.Remove(gone);
        try
        {
            _intentions = (await client.IntentionsAsync(0, wait, ct)).Value
                .OrderBy(i => i.SourceName, StringComparer.Ordinal).ThenBy(i => i.DestinationName, StringComparer.Ordinal).ToList();
        }
        catch (ConsulBadAnswerException ex)
        {
            errors.Add(ex.Message);
        }
        var snapshot = new ConsulSnapshot(services, _intentions, catalog.Index);
        if (errors.Count > 0) PartialErrors = errors;
        else PartialErrors = [];
        return (snapshot, catalog.Index);
    }

    /// <summary>Per-service problems of the last round (kept last-good entries for those services).</summary>
    public IReadOnlyList<string> PartialErrors { get; private set; } = [];

    private static bool SameContent(ConsulSnapshot a, ConsulSnapshot b) =>
        a.Services.Count == b.Services.Count
        && a.Services.All(kv => b.Services.TryGetValue(kv.Key, out var other) && kv.Value.SequenceEqual(other, EntryComparer.Instance))
        && a.Intentions.SequenceEqual(b.Intentions);

    private sealed class EntryComparer : IEqualityComparer<ConsulHealthEntry>
    {
        public static readonly EntryComparer Instance = new();
        public bool Equals(ConsulHealthEntry? x, ConsulHealthEntry? y) =>
            x is not null && y is not null && x.Node == y.Node && x.AggregatedStatus == y.AggregatedStatus
            && x.Service.Id == y.Service.Id && x.Service.Address == y.Service.Address && x.Service.Port == y.Service.Port
            && (x.Service.Tags ?? []).SequenceEqual(y.Service.Tags ?? []) && x.Service.Weights == y.Service.Weights
            && x.Service.Kind == y.Service.Kind && SameMeta(x.Service.Meta, y.Service.Meta);   // Meta carries the MAC and the upstreams
        private static bool SameMeta(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b) =>
            (a?.Count ?? 0) == (b?.Count ?? 0) && (a is null || a.All(kv => b!.TryGetValue(kv.Key, out var v) && v == kv.Value));
        public int GetHashCode(ConsulHealthEntry obj) => obj.Service.Id.Length;
    }
}
