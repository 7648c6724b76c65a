using MeshSim.Control.Topology;

namespace MeshSim.Control.P4;

/// <summary>
/// Topology port numbers of one switch → the P4 port numbers its program sees. bmv2 port numbers are
/// 9 bits (<c>standard_metadata.egress_spec</c>), so ports below 511 keep their number and larger
/// ones (the topology shapes number inter-switch links from 1000) take the lowest free numbers, in
/// ascending order of their topology number. 511 is never used: it is v1model's drop port.
/// </summary>
public sealed class P4PortMap
{
    /// <summary>The highest port a program can send to (511 is the drop port).</summary>
    public const uint MaxPort = 510;

    private readonly SortedDictionary<uint, uint> _toP4 = new();

    /// <summary>Builds the map of <paramref name="switchName"/>'s host and link ports.</summary>
    public P4PortMap(NetworkTopology topology, string switchName)
    {
        var ports = topology.HostsOn(switchName).Select(h => h.Port)
            .Concat(topology.Links.Where(l => l.SwitchA == switchName).Select(l => l.PortA))
            .Concat(topology.Links.Where(l => l.SwitchB == switchName).Select(l => l.PortB))
            .Distinct().Order().ToArray();
        var taken = ports.Where(p => p is >= 1 and <= MaxPort).ToHashSet();
        uint free = 1;
        foreach (var p in ports)
        {
            if (p is >= 1 and <= MaxPort) { _toP4[p] = p; continue; }
            while (taken.Contains(free)) free++;
            if (free > MaxPort) throw new Registry.RegistryException($"switch {switchName}: more than {MaxPort} ports; a P4 switch numbers its ports with 9 bits");
            taken.Add(free);
            _toP4[p] = free;
        }
    }

    /// <summary>The P4 port of topology port <paramref name="topologyPort"/>.</summary>
    public uint this[uint topologyPort] => _toP4.TryGetValue(topologyPort, out var p) ? p
        : throw new KeyNotFoundException($"port {topologyPort} is not a port of this switch");

    /// <summary>(topology port, P4 port) pairs in topology-port order.</summary>
    public IEnumerable<(uint Topology, uint P4)> Pairs => _toP4.Select(kv => (kv.Key, kv.Value));
}
