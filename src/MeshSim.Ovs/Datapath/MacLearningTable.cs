using MeshSim.Wire;

namespace MeshSim.Ovs.Datapath;

/// <summary>
/// The NORMAL action's MAC learning table (OVS lib/mac-learning.c, simplified): (VLAN, MAC) →
/// port, refreshed by every frame from that source, forgotten after <see cref="AgingNs"/>
/// (OVS's default mac-aging-time is 300 s) and bounded (default 2048 entries, oldest evicted).
/// </summary>
public sealed class MacLearningTable
{
    private readonly Dictionary<(ushort Vlan, ulong Mac), (uint Port, long SeenNs)> _entries = new();

    /// <summary>Entry lifetime in virtual ns.</summary>
    public long AgingNs { get; set; } = 300_000_000_000L;

    /// <summary>Maximum entries (mac-table-size).</summary>
    public int Capacity { get; set; } = 2048;

    /// <summary>Number of entries (some may have aged).</summary>
    public int Count => _entries.Count;

    /// <summary>Learns that <paramref name="mac"/> lives behind <paramref name="port"/>; multicast sources are ignored.</summary>
    public void Learn(ushort vlan, MacAddress mac, uint port, long nowNs)
    {
        if (mac.IsMulticast) return;
        if (_entries.Count >= Capacity && !_entries.ContainsKey((vlan, mac.Value)))
        {
            var oldest = _entries.MinBy(e => e.Value.SeenNs).Key;   // rare: only when full
            _entries.Remove(oldest);
        }
        _entries[(vlan, mac.Value)] = (port, nowNs);
    }

    /// <summary>The port <paramref name="mac"/> was learned on, if the entry has not aged out.</summary>
    public bool TryLookup(ushort vlan, MacAddress mac, long nowNs, out uint port)
    {
        port = 0;
        if (!_entries.TryGetValue((vlan, mac.Value), out var e)) return false;
        if (nowNs - e.SeenNs >= AgingNs)
        {
            _entries.Remove((vlan, mac.Value));
            return false;
        }
        port = e.Port;
        return true;
    }

    /// <summary>Entries as ovs-appctl fdb/show lists them: port, VLAN, MAC, age in seconds.</summary>
    public IEnumerable<(uint Port, ushort Vlan, MacAddress Mac, long AgeSeconds)> Show(long nowNs) =>
        _entries.Where(e => nowNs - e.Value.SeenNs < AgingNs)
            .OrderBy(e => e.Value.Port).ThenBy(e => e.Key.Mac)
            .Select(e => (e.Value.Port, e.Key.Vlan, new MacAddress(e.Key.Mac), (nowNs - e.Value.SeenNs) / 1_000_000_000L));
}
