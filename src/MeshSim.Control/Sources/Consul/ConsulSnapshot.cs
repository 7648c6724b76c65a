namespace MeshSim.Control.Sources.Consul;

/// <summary>Everything the controller reads from Consul at one moment: each service's instances with
/// health, and the intentions. Services and entries are sorted by name/ID so equal registries
/// compare (and compile) equal whatever order Consul answered in.</summary>
public sealed record ConsulSnapshot(
    IReadOnlyDictionary<string, IReadOnlyList<ConsulHealthEntry>> Services,
    IReadOnlyList<ConsulIntention> Intentions,
    ulong CatalogIndex);

/// <summary>The watcher's view of the source's health, for the controller to report (fail-static: an
/// outage never flushes rules, it only says the rules may be stale).</summary>
public sealed record ConsulSourceStatus(bool Reachable, string? Error, int ConsecutiveFailures, TimeSpan NextRetryIn);
