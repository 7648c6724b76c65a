using MeshSim.Wire;

namespace MeshSim.Stack.Iface;

/// <summary>
/// IPv4-to-MAC neighbour table of one interface. Static entries never expire and are never
/// overwritten by ARP traffic (the mesh puts a static entry for each service's virtual IP on every
/// host). Dynamic entries expire after the reachable time; an expired entry is a miss, so the next
/// packet triggers a fresh request (simpler than Linux's STALE/DELAY/PROBE, same steady state).
/// </summary>
public sealed class ArpCache
{
    private readonly Dictionary<Ipv4Address, Entry> _entries = new();

    private readonly record struct Entry(MacAddress Mac, long ExpiresAtNs, bool IsStatic);

    /// <summary>Creates an empty cache whose dynamic entries live <paramref name="reachableNs"/>.</summary>
    public ArpCache(long reachableNs) => ReachableNs = reachableNs;

    /// <summary>Lifetime of a dynamic entry.</summary>
    public long ReachableNs { get; }

    /// <summary>Adds or replaces a permanent entry (`ip neigh add ... nud permanent`).</summary>
    public void AddStatic(Ipv4Address ip, MacAddress mac) => _entries[ip] = new Entry(mac, long.MaxValue, true);

    /// <summary>Removes any entry for <paramref name="ip"/>.</summary>
    public bool Remove(Ipv4Address ip) => _entries.Remove(ip);

    /// <summary>Learns or refreshes a dynamic entry; static entries win.</summary>
    public void Learn(Ipv4Address ip, MacAddress mac, long nowNs)
    {
        if (_entries.TryGetValue(ip, out var e) && e.IsStatic) return;
        _entries[ip] = new Entry(mac, nowNs + ReachableNs, false);
    }

    /// <summary>True when <paramref name="ip"/> has an entry (RFC 826's merge rule updates only known senders).</summary>
    public bool Contains(Ipv4Address ip) => _entries.ContainsKey(ip);

    /// <summary>The MAC for <paramref name="ip"/> if a live entry exists.</summary>
    public bool TryLookup(Ipv4Address ip, long nowNs, out MacAddress mac)
    {
        if (_entries.TryGetValue(ip, out var e) && e.ExpiresAtNs > nowNs) { mac = e.Mac; return true; }
        mac = default;
        return false;
    }

    /// <summary>Live entries sorted by address: "10.0.0.2 at 02:00:00:00:00:02 (static)".</summary>
    public IEnumerable<string> Describe(long nowNs) =>
        _entries.Where(kv => kv.Value.ExpiresAtNs > nowNs).OrderBy(kv => kv.Key)
                .Select(kv => $"{kv.Key} at {kv.Value.Mac}{(kv.Value.IsStatic ? " (static)" : "")}");
}
