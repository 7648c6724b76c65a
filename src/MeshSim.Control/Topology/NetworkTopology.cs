using MeshSim.Control.Registry;

namespace MeshSim.Control.Topology;

/// <summary>
/// Switches, the hosts attached to their ports and the links between them, validated once and with
/// a precomputed next-hop table: for every (switch, destination switch) the port to leave by.
/// </summary>
/// <remarks>
/// Paths are shortest in hop count (breadth-first search from each destination). Ties go to the
/// neighbour with the smallest switch name, then the smallest port, so the choice does not depend on
/// input order. Any connected graph works, so trees (the thesis lab) and full meshes of tunnels (its
/// Kubernetes design) need no special casing; the compiler never floods, so loops are harmless.
/// </remarks>
public sealed class NetworkTopology
{
    private readonly Dictionary<string, SwitchNode> _switches;
    private readonly Dictionary<string, HostAttachment> _hosts;
    private readonly Dictionary<(string From, string To), uint> _nextHop;

    /// <summary>Switches in name order.</summary>
    public IReadOnlyList<SwitchNode> Switches { get; }
    /// <summary>Hosts in name order.</summary>
    public IReadOnlyList<HostAttachment> Hosts { get; }
    /// <summary>Inter-switch links, as given.</summary>
    public IReadOnlyList<SwitchLink> Links { get; }

    /// <summary>Validates and indexes a topology; throws <see cref="RegistryException"/> naming the first problem.</summary>
    public NetworkTopology(IEnumerable<SwitchNode> switches, IEnumerable<HostAttachment> hosts, IEnumerable<SwitchLink> links)
    {
        Switches = switches.OrderBy(s => s.Name, StringComparer.Ordinal).ToArray();
        Hosts = hosts.OrderBy(h => h.Name, StringComparer.Ordinal).ToArray();
        Links = links.ToArray();
        _switches = new(StringComparer.Ordinal);
        var ids = new HashSet<ushort>();
        foreach (var s in Switches)
        {
            if (!_switches.TryAdd(s.Name, s)) throw new RegistryException($"switches: '{s.Name}' is defined twice");
            if (s.Id is 0 or > SwitchNode.MaxId) throw new RegistryException($"switches.{s.Name}: id must be 1-{SwitchNode.MaxId}, got {s.Id}");
            if (!ids.Add(s.Id)) throw new RegistryException($"switches.{s.Name}: id {s.Id} is used by another switch");
        }
        var usedPorts = new HashSet<(string, uint)>();
        void Claim(string sw, uint port, string what)
        {
            if (!_switches.ContainsKey(sw)) throw new RegistryException($"{what}: switch '{sw}' is not defined");
            if (port is 0 or > 0xff00) throw new RegistryException($"{what}: port must be 1-65280, got {port}");
            if (!usedPorts.Add((sw, port))) throw new RegistryException($"{what}: port {sw}:{port} is already in use");
        }
        _hosts = new(StringComparer.Ordinal);
        var ips = new HashSet<MeshSim.Wire.Ipv4Address>();
        var macs = new HashSet<MeshSim.Wire.MacAddress>();
        foreach (var h in Hosts)
        {
            if (!_hosts.TryAdd(h.Name, h)) throw new RegistryException($"hosts: '{h.Name}' is defined twice");
            Claim(h.Switch, h.Port, $"hosts.{h.Name}");
            if (!ips.Add(h.Ip)) throw new RegistryException($"hosts.{h.Name}: address {h.Ip} is used by another host");
            if (!macs.Add(h.Mac) || h.Mac.IsMulticast) throw new RegistryException($"hosts.{h.Name}: MAC {h.Mac} is a duplicate or a group address");
        }
        for (int i = 0; i < Links.Count; i++)
        {
            var l = Links[i];
            if (l.SwitchA == l.SwitchB) throw new RegistryException($"links[{i}]: a link must join two different switches");
            Claim(l.SwitchA, l.PortA, $"links[{i}]");
            Claim(l.SwitchB, l.PortB, $"links[{i}]");
        }
        _nextHop = ComputeNextHops();
    }

    /// <summary>The switch named <paramref name="name"/>, or null.</summary>
    public SwitchNode? FindSwitch(string name) => _switches.GetValueOrDefault(name);

    /// <summary>The host named <paramref name="name"/>, or null.</summary>
    public HostAttachment? FindHost(string name) => _hosts.GetValueOrDefault(name);

    /// <summary>Hosts attached to <paramref name="switchName"/>, in name order.</summary>
    public IEnumerable<HostAttachment> HostsOn(string switchName) => Hosts.Where(h => h.Switch == switchName);

    /// <summary>The port on <paramref name="from"/> that leads towards <paramref name="to"/> (which must differ), or null when unreachable.</summary>
    public uint? NextHopPort(string from, string to) => _nextHop.TryGetValue((from, to), out var p) ? p : null;

    /// <summary>The port on <paramref name="from"/> that leads to <paramref name="host"/>: its own port when local.</summary>
    public uint? PortTowards(string from, HostAttachment host) => host.Switch == from ? host.Port : NextHopPort(from, host.Switch);

    private Dictionary<(string, string), uint> ComputeNextHops()
    {
        // Neighbours of each switch, sorted by (neighbour name, local port) for deterministic ties.
        var adj = Switches.ToDictionary(s => s.Name, _ => new List<(string Peer, uint LocalPort)>(), StringComparer.Ordinal);
        foreach (var l in Links)
        {
            adj[l.SwitchA].Add((l.SwitchB, l.PortA));
            adj[l.SwitchB].Add((l.SwitchA, l.PortB));
        }
        foreach (var list in adj.Values)
            list.Sort((a, b) => string.CompareOrdinal(a.Peer, b.Peer) is var c && c != 0 ? c : a.LocalPort.CompareTo(b.LocalPort));

        var result = new Dictionary<(string, string), uint>();
        foreach (var src in Switches)
        {
            // BFS from src; the first hop of each reached switch is inherited from its parent.
            var firstHop = new Dictionary<string, uint>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal) { src.Name };
            var queue = new Queue<string>();
            foreach (var (peer, port) in adj[src.Name])
                if (seen.Add(peer)) { firstHop[peer] = port; queue.Enqueue(peer); }
            while (queue.Count > 0)
            {
                var cur = queue.Dequeue();
                foreach (var (peer, _) in adj[cur])
                    if (seen.Add(peer)) { firstHop[peer] = firstHop[cur]; queue.Enqueue(peer); }
            }
            foreach (var (dst, port) in firstHop) result[(src.Name, dst)] = port;
        }
        return result;
    }
}
