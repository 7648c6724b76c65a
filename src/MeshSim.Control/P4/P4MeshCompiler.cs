using MeshSim.Control.Compiler;
using MeshSim.Control.Registry;
using MeshSim.Control.Topology;
using MeshSim.P4.Programs;

namespace MeshSim.Control.P4;

/// <summary>
/// The P4 target of the controller: compiles a registry snapshot and a topology into
/// simple_switch_CLI commands for the mesh program (p4/mesh.p4) on every switch, the counterpart of
/// <see cref="MeshCompiler"/>'s OpenFlow rules. The same bindings (<see cref="MeshCompiler.ResolvePairs(ServiceRegistry, NetworkTopology)"/>)
/// and the same intention decisions drive both targets.
/// </summary>
/// <remarks>
/// <para>Per switch:</para>
/// <list type="bullet">
/// <item><c>arp_vip</c> answers ARP for the virtual IP (in <see cref="ArpMode.Responder"/> mode) and
/// for every host, including a host asking for its own address: a same-host (hairpin) connection's
/// server answers the client's real address, which is its own, and that answer must leave through
/// the switch to be source-NATed (the OpenFlow pipeline instead SNATs the request to the virtual IP).
/// Other ARP and non-IP frames are dropped (<c>l2</c>'s default becomes <c>drop</c>), as in the
/// OpenFlow pipeline: ARP never crosses a switch.</item>
/// <item>The mesh program translates address and port: virtual-IP:P (the bind port) reaches an instance
/// on its own address and port, and replies leave from virtual-IP:P again (<c>rev</c>, per client
/// address). A client host whose bindings use two bind ports for one destination is refused:
/// replies to it could not be told apart.</item>
/// <item><c>vip</c>: (virtual IP, TCP, bind port, client address) → a VIP id for every allowed binding of a
/// local host, when the destination has a healthy instance. The client is part of the key, so hosts on one
/// switch may bind one port for different destinations, or for one destination under different decisions.
/// Every such binding has its own VIP id (its <c>lb</c> entries share the destination's group); ids are kept
/// across updates while the binding names the same destination (<c>conn_table</c> pins carry them). A denied binding (or one without healthy instances) has no entry,
/// and its SYN meets <c>fwd</c>, which has no route to the virtual IP: it is dropped, as the OpenFlow pair
/// flow drops it.</item>
/// <item><c>lb</c>/<c>lb_retry</c>: one selector group per destination service used on the switch
/// (shared by all its VIP ids), its members apportioned to the healthy instances' weights
/// (a prime number of members; see <see cref="Members"/>).</item>
/// <item><c>backend</c>: every instance of the registry, healthy or not (a connection pinned before
/// its instance turned critical keeps it, like an established OpenFlow connection), DNAT to its
/// address and listening port, its MAC and the port towards its host.</item>
/// <item><c>rev</c>: replies from the instances on local hosts (address, TCP, listening port) to a client
/// host with an allowed binding to their service are source-NATed to the virtual IP and that binding's
/// port at their first switch; <c>fwd</c>: a /32 route per host towards it.</item>
/// </list>
/// Backend ids number the registry's instances from 1 in service-name, then instance-id order (kept across updates).
/// Compilation is deterministic.
/// </remarks>
public static class P4MeshCompiler
{
    /// <summary>The most selector members one destination's group gets.</summary>
    public const int MaxGroupMembers = 256;

    private const int Tcp = 6;

    /// <summary>Compiles; throws <see cref="RegistryException"/> when registry and topology disagree or the mesh program cannot express the bindings.</summary>
    /// <param name="registry">The registry snapshot.</param>
    /// <param name="topology">Hosts, switches and links.</param>
    /// <param name="options">Virtual IP and MAC, ARP mode.</param>
    /// <param name="previous">The result running on the switches, when this compile is an update: instances keep
    /// their backend ids (connections are pinned to ids), and new instances get ids above every id used before,
    /// so a pin never moves to another instance.</param>
    public static P4CompileResult Compile(ServiceRegistry registry, NetworkTopology topology, MeshOptions options, P4CompileResult? previous = null)
    {
        MeshCompiler.CheckInstances(registry, topology);
        var pairs = MeshCompiler.ResolvePairs(registry, topology);
        var backendIds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int next = previous is null || previous.BackendIds.Count == 0 ? 1 : previous.BackendIds.Values.Max() + 1;
        foreach (var i in registry.Services.SelectMany(s => s.Instances.OrderBy(i => i.Id, StringComparer.Ordinal)))
            backendIds[i.Id] = previous?.BackendIds.TryGetValue(i.Id, out var kept) == true ? kept : next++;
        if (backendIds.Count > 0 && backendIds.Values.Max() >= MeshProgram.Instances)
            throw new RegistryException($"services: backend id {backendIds.Values.Max()} needed; the mesh program's registers hold backend ids 1-{MeshProgram.Instances - 1}");
        var warnings = new List<string>();
        var vipPorts = VipPortsByClient(pairs);
        var switches = topology.Switches.Select(sw => CompileSwitch(sw, registry, topology, options, pairs, backendIds, vipPorts,
            previous?.Switches.FirstOrDefault(s => s.Switch == sw.Name), previous?.Pairs, warnings)).ToArray();
        return new P4CompileResult(switches, pairs, backendIds, warnings);
    }

    private static P4SwitchEntries CompileSwitch(SwitchNode sw, ServiceRegistry registry, NetworkTopology topology, MeshOptions o,
        IReadOnlyList<PairBinding> pairs, IReadOnlyDictionary<string, int> backendIds,
        IReadOnlyDictionary<string, (HostAttachment Client, ushort Port)[]> vipPorts, P4SwitchEntries? previous,
        IReadOnlyList<PairBinding>? previousPairs, List<string> warnings)
    {
        var ports = new P4PortMap(topology, sw.Name);
        var c = new MeshCommands().NoFlooding();
        string vip = o.VirtualIp.ToString(), vmac = o.VirtualMac.ToString();

        if (o.Arp == ArpMode.Responder) c.ArpResponder(vip, vmac);
        foreach (var h in topology.Hosts) c.ArpResponder(h.Ip.ToString(), h.Mac.ToString());

        // One vip entry per allowed local binding (client host, bind port): the table matches the client's
        // address too, so hosts on one switch may give a port different meanings.
        var allowed = pairs.Where(p => p.Host.Switch == sw.Name && p.Allowed).OrderBy(p => p.Port).ThenBy(p => p.Host.Name, StringComparer.Ordinal).ToArray();
        var groups = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var vipIds = VipIds(previous, previousPairs, vip, allowed);
        foreach (var p in allowed)
        {
            var destination = registry.Find(p.Destination)!;
            var healthy = destination.HealthyInstances.ToArray();
            if (healthy.Length == 0)
            {
                warnings.Add($"{sw.Name}: {p.Destination} has no healthy instance; port {p.Port} of {p.Host.Name} drops new connections");
                continue;
            }
            if (!groups.TryGetValue(p.Destination, out var group))
                groups[p.Destination] = group = c.SelectorGroup(Members(healthy, backendIds, sw.Name, p.Destination, warnings));
            int id = vipIds[(p.Port, p.Host.Ip.ToString())];
            c.Vip(vip, Tcp, p.Port, p.Host.Ip.ToString(), id).UseGroup(id, 0, group);
        }

        var local = topology.HostsOn(sw.Name).Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var s in registry.Services)
            foreach (var i in s.Instances.OrderBy(i => i.Id, StringComparer.Ordinal))
            {
                if (topology.PortTowards(sw.Name, topology.FindHost(i.Node)!) is { } towards)
                    c.Dnat(backendIds[i.Id], i.Address.ToString(), i.Mac.ToString(), (int)ports[towards], i.Port);
                if (local.Contains(i.Node))
                    foreach (var (client, vipPort) in vipPorts.GetValueOrDefault(s.Name, []))
                        c.ReverseNat(i.Address.ToString(), Tcp, i.Port, client.Ip.ToString(), vip, vmac, vipPort);
            }
        foreach (var h in topology.Hosts)
        {
            if (topology.PortTowards(sw.Name, h) is not { } port)
            {
                warnings.Add($"{sw.Name}: no path to host {h.Name} on {h.Switch}");
                continue;
            }
            c.Route(h.Ip.ToString(), 32, h.Mac.ToString(), (int)ports[port]);
        }
        return new P4SwitchEntries(sw.Name, c.Lines.ToArray(), ports);
    }

    /// <summary>
    /// Per destination service, the client hosts with an allowed binding to it and the port they bind
    /// (host order). <c>rev</c> restores the virtual port by instance and client address, so a host
    /// whose allowed bindings use two bind ports for one destination is refused.
    /// </summary>
    private static Dictionary<string, (HostAttachment Client, ushort Port)[]> VipPortsByClient(IReadOnlyList<PairBinding> pairs)
    {
        var result = new Dictionary<string, (HostAttachment, ushort)[]>(StringComparer.Ordinal);
        foreach (var byDestination in pairs.Where(p => p.Allowed).GroupBy(p => p.Destination, StringComparer.Ordinal))
        {
            var clients = new List<(HostAttachment, ushort)>();
            foreach (var byHost in byDestination.GroupBy(p => p.Host.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var distinct = byHost.DistinctBy(p => p.Port).OrderBy(p => p.Port).ToArray();
                if (distinct.Length > 1)
                    throw new RegistryException(
                        $"host {byHost.Key}: {distinct[0]} and {distinct[1]} bind two ports for {byDestination.Key}; the P4 mesh program restores the " +
                        "virtual port on replies by instance and client address (rev), so the allowed bindings of one host must use one port per destination " +
                        "(or use the OpenFlow target)");
                clients.Add((distinct[0].Host, distinct[0].Port));
            }
            result[byDestination.Key] = [.. clients];
        }
        return result;
    }

    /// <summary>
    /// VIP ids for the allowed bindings (bind port, client address) of a switch. The ids of <paramref name="previous"/>
    /// (the commands the switch runs) are kept while the binding names the same destination, because <c>conn_table</c>
    /// pins carry the VIP id and a changed id would re-select open connections. A binding that now names another
    /// destination gets a new id, so that no pin of the old destination is ever followed (its open connections end
    /// anyway: <c>rev</c> no longer translates their replies). New bindings get ids above every earlier one, in port
    /// then host order (1, 2, ... on a first compile).
    /// </summary>
    private static Dictionary<(ushort Port, string Client), int> VipIds(P4SwitchEntries? previous, IReadOnlyList<PairBinding>? previousPairs,
        string vip, IReadOnlyList<PairBinding> allowed)
    {
        var kept = new Dictionary<(ushort, string), int>();
        string prefix = $"table_add vip set_vip {vip} {Tcp} ";
        foreach (var line in previous?.Commands ?? [])
        {
            if (!line.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var rest = line[prefix.Length..].Split(' ');   // "<port> <client> => <id>"
            kept[(ushort.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture), rest[1])] = int.Parse(rest[3], System.Globalization.CultureInfo.InvariantCulture);
        }
        int next = kept.Count == 0 ? 1 : kept.Values.Max() + 1;
        var before = (previousPairs ?? []).Select(q => (q.Host.Name, q.Port, q.Destination)).ToHashSet();
        var ids = new Dictionary<(ushort, string), int>();
        foreach (var p in allowed.OrderBy(p => p.Port).ThenBy(p => p.Host.Name, StringComparer.Ordinal))
        {
            var key = (p.Port, p.Host.Ip.ToString());
            ids[key] = before.Contains((p.Host.Name, p.Port, p.Destination)) && kept.TryGetValue(key, out var id) ? id : next++;
        }
        if (ids.Count > 0 && ids.Values.Max() > ushort.MaxValue)
            throw new RegistryException($"VIP id {ids.Values.Max()} needed; the mesh program's VIP ids are 16 bits");
        return ids;
    }

    /// <summary>
    /// Selector members: one instance gets one member; several get a prime number of members
    /// (at least 4 per unit of weight after dividing by the weights' GCD, at most
    /// <see cref="MaxGroupMembers"/>), apportioned to the weights by largest remainder. The selector
    /// takes member <c>crc16 % n</c>; bmv2's crc16 over 5-tuples that differ only in the client port
    /// has far from uniform low bits (with 4 members for weights 1:3, 200 connections with sequential
    /// ports all went to the weight-3 instance), and a prime <c>n</c> makes the pick depend on every bit.
    /// </summary>
    private static (int Backend, int Weight)[] Members(IReadOnlyList<ServiceInstance> healthy, IReadOnlyDictionary<string, int> backendIds,
        string sw, string service, List<string> warnings)
    {
        if (healthy.Count == 1) return [(backendIds[healthy[0].Id], 1)];
        int gcd = healthy.Select(i => (int)i.Weight).Aggregate(Gcd);
        var weights = healthy.Select(i => i.Weight / gcd).ToArray();
        int total = weights.Sum();
        int n = NextPrime(Math.Min(4 * total, MaxGroupMembers));
        while (n > MaxGroupMembers) n = PreviousPrime(n - 1);
        if (n < healthy.Count) throw new RegistryException($"{sw}: {service} has {healthy.Count} healthy instances; a selector group holds at most {MaxGroupMembers} members");
        if (total > n) warnings.Add($"{sw}: {service}'s weights (sum {total}) are apportioned to {n} selector members");
        // Largest remainder, every instance at least one member.
        var counts = weights.Select(w => Math.Max(1, (int)((long)w * n / total))).ToArray();
        var order = Enumerable.Range(0, weights.Length).OrderByDescending(k => (long)weights[k] * n % total).ThenBy(k => k).ToArray();
        for (int k = 0; counts.Sum() < n; k = (k + 1) % order.Length) counts[order[k]]++;
        for (int k = 0; counts.Sum() > n; k = (k + 1) % order.Length) if (counts[order[^(k + 1)]] > 1) counts[order[^(k + 1)]]--;
        return healthy.Select((i, k) => (backendIds[i.Id], counts[k])).ToArray();
    }

    private static bool IsPrime(int n)
    {
        if (n < 2) return false;
        for (int d = 2; d * d <= n; d++) if (n % d == 0) return false;
        return true;
    }

    private static int NextPrime(int n) { while (!IsPrime(n)) n++; return n; }
    private static int PreviousPrime(int n) { while (!IsPrime(n)) n--; return n; }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
