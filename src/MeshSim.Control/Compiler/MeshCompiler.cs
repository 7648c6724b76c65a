using MeshSim.Control.Registry;
using MeshSim.Control.Rules;
using MeshSim.Control.Topology;
using MeshSim.Ovs;

namespace MeshSim.Control.Compiler;

/// <summary>
/// Compiles a registry snapshot and a topology into one <see cref="RuleSet"/> per switch.
/// </summary>
/// <remarks>
/// <para>The pipeline (docs/pipeline.md has the table map and example dumps):</para>
/// <list type="number">
/// <item>Server-side discovery happens at the client's first-hop switch only. A new connection to
/// virtual-IP:bind-port from a local host hits the pair flow for (host, port): a select group whose
/// buckets each <c>ct(commit,nat(dst=instance))</c> in the switch's DNAT zone (thesis listings 1–2).
/// Later packets and replies are un-NATed by <c>ct(nat)</c> lookups in that zone; transit and
/// last-hop switches only forward by MAC.</item>
/// <item>Same-host pairs (the thesis' known bug): the reply would go from the instance to the
/// client over the host's loopback, never through the switch, so it is never un-NATed. The fix is
/// hairpin SNAT: when DNAT picks an instance on the client's own host, the connection is also
/// source-NATed to the virtual IP in a second zone, so the instance answers the virtual IP, the
/// answer comes back through the switch, and is un-SNATed then un-DNATed (the reverse order) and
/// sent back out the input port with the <c>in_port</c> action (plain output to the input port is
/// skipped by OVS). Connections to other hosts keep the client's real address.</item>
/// <item>L4 intentions are decided per pair at compile time (Consul precedence); a denied pair's flow
/// drops new connections, so its packet counter is the pair's refused-SYN counter.</item>
/// <item>Unhealthy (critical) instances and zero weights leave the group; established connections
/// survive group changes because they never reach the group again (they are +est).</item>
/// </list>
/// <para>Per switch the rule count is O(local hosts × their upstream bindings + all hosts), and
/// there is one group per upstream service used by a local client: linear in services, never
/// quadratic. Compilation is deterministic: inputs are sorted, ids are stable hashes.</para>
/// </remarks>
public static class MeshCompiler
{
    private const byte ArpRequest = 1;

    /// <summary>Compiles; throws <see cref="RegistryException"/> when registry and topology disagree or bindings conflict.</summary>
    public static CompileResult Compile(ServiceRegistry registry, NetworkTopology topology, MeshOptions options)
    {
        CheckInstances(registry, topology);
        var pairs = ResolvePairs(registry, topology);
        var groupIds = AssignGroupIds(registry);
        var bySwitch = PairsBySwitch(pairs);
        var switches = topology.Switches
            .Select(sw => CompileSwitch(sw, registry, topology, options, bySwitch.GetValueOrDefault(sw.Name, []), groupIds))
            .ToArray();
        return Assemble(switches, registry, pairs, groupIds);
    }

    /// <summary>The result of per-switch compilations; warnings are recomputed from the registry, in switch order.</summary>
    internal static CompileResult Assemble(IReadOnlyList<SwitchCompilation> switches, ServiceRegistry registry,
        IReadOnlyList<PairBinding> pairs, IReadOnlyDictionary<string, uint> groupIds)
    {
        var warnings = new List<string>();
        foreach (var sw in switches) sw.AddWarnings(registry, warnings);
        return new CompileResult(switches.Select(s => s.Rules).ToArray(), pairs, groupIds, warnings);
    }

    /// <summary>The bindings of each switch's local hosts, in binding order.</summary>
    internal static Dictionary<string, List<PairBinding>> PairsBySwitch(IReadOnlyList<PairBinding> pairs)
    {
        var bySwitch = new Dictionary<string, List<PairBinding>>(StringComparer.Ordinal);
        foreach (var p in pairs)
        {
            if (!bySwitch.TryGetValue(p.Host.Switch, out var list)) bySwitch[p.Host.Switch] = list = [];
            list.Add(p);
        }
        return bySwitch;
    }

    internal static void CheckInstances(ServiceRegistry registry, NetworkTopology topology)
    {
        foreach (var s in registry.Services)
            foreach (var i in s.Instances)
            {
                var host = topology.FindHost(i.Node)
                    ?? throw new RegistryException($"services.{s.Name}.instances.{i.Id}: node '{i.Node}' is not a host of the topology");
                if (host.Ip != i.Address || host.Mac != i.Mac)
                    throw new RegistryException($"services.{s.Name}.instances.{i.Id}: registered as {i.Address}/{i.Mac} but node '{i.Node}' is {host.Ip}/{host.Mac}");
            }
    }

    /// <summary>Every (host, bind port) binding, sorted by host then port.</summary>
    public static IReadOnlyList<PairBinding> ResolvePairs(ServiceRegistry registry, NetworkTopology topology) => ResolvePairs(registry, topology, null);

    /// <summary>The bindings on <paramref name="onlyHosts"/> (all hosts when null), resolved in the same order as for
    /// the whole registry, so a conflict there is reported with the same message.</summary>
    internal static IReadOnlyList<PairBinding> ResolvePairs(ServiceRegistry registry, NetworkTopology topology, IReadOnlySet<string>? onlyHosts)
    {
        var byKey = new SortedDictionary<(string Host, ushort Port), PairBinding>(HostThenPort);
        foreach (var s in registry.Services)
            foreach (var hostName in s.Instances.Select(i => i.Node).Distinct().Order(StringComparer.Ordinal))
            {
                if (onlyHosts is not null && !onlyHosts.Contains(hostName)) continue;
                var host = topology.FindHost(hostName)!;
                foreach (var u in s.Upstreams)
                {
                    var (action, by) = registry.Policy.Decide(s.Name, u.Destination);
                    var b = new PairBinding(host, u.LocalBindPort, s.Name, u.Destination, action == IntentionAction.Allow, by);
                    if (byKey.TryGetValue((hostName, u.LocalBindPort), out var prior))
                    {
                        // Host-level attachment: the switch sees the host, not the service, so the
                        // services of one host must agree on what a port means and whether it is allowed.
                        if (prior.Destination != b.Destination || prior.Allowed != b.Allowed)
                            throw new RegistryException(
                                $"host {hostName}: port {u.LocalBindPort} is bound by {prior.Source} ({prior.Destination}, {(prior.Allowed ? "allowed" : "denied")}) " +
                                $"and by {s.Name} ({b.Destination}, {(b.Allowed ? "allowed" : "denied")}); services sharing a host must agree (attach them at container level to tell them apart)");
                        continue; // keep the first source in name order: services are sorted
                    }
                    byKey[(hostName, u.LocalBindPort)] = b;
                }
            }
        return byKey.Values.ToArray();
    }

    /// <summary>Bindings in <see cref="ResolvePairs(ServiceRegistry, NetworkTopology)"/>'s order: host name (ordinal), then port.</summary>
    internal static int CompareBindings(PairBinding a, PairBinding b) => HostThenPort.Compare((a.Host.Name, a.Port), (b.Host.Name, b.Port));

    // Ordinal, not the culture's order: compiled output must not depend on the machine's locale (and ordinal is faster).
    private static readonly IComparer<(string Host, ushort Port)> HostThenPort = Comparer<(string Host, ushort Port)>.Create((a, b) =>
    {
        int c = string.CompareOrdinal(a.Host, b.Host);
        return c != 0 ? c : a.Port.CompareTo(b.Port);
    });

    /// <summary>Group id per service: a stable hash, probed in name order on collision, never 0 and below OFPG_MAX.</summary>
    public static IReadOnlyDictionary<string, uint> AssignGroupIds(ServiceRegistry registry)
    {
        var used = new HashSet<uint>();
        var ids = new SortedDictionary<string, uint>(StringComparer.Ordinal);
        foreach (var s in registry.Services)
        {
            uint id = (Cookies.StableHash(s.Name) & 0x7FFF_FFFF) | 1;
            while (!used.Add(id)) id = ((id + 2) & 0x7FFF_FFFF) | 1;
            ids[s.Name] = id;
        }
        return ids;
    }

    /// <summary>Compiles one switch from the bindings of its local hosts.</summary>
    internal static SwitchCompilation CompileSwitch(SwitchNode sw, ServiceRegistry registry, NetworkTopology topology, MeshOptions o,
        IReadOnlyList<PairBinding> localPairs, IReadOnlyDictionary<string, uint> groupIds)
    {
        var pathWarnings = new List<string>();
        var groupOrder = new List<(uint Gid, string Destination)>();
        var flows = new List<CompiledFlow>();
        var zd = Pipeline.DnatZone(sw.Id);
        var zs = Pipeline.SnatZone(sw.Id);
        var local = topology.HostsOn(sw.Name).ToArray();
        var infra = Cookies.Infrastructure;

        void Add(byte table, ushort priority, ulong cookie, MatchBuilder m, IReadOnlyList<OvsAction> actions, string stage, string item) =>
            flows.Add(new CompiledFlow(new FlowEntry(table, priority, cookie, 0, 0, m.Build(), actions), new Provenance(stage, item)));

        // Table 0: ARP answers. Nothing else answers ARP, and ARP never crosses a switch.
        if (o.Arp == ArpMode.Responder)
            Add(Pipeline.Classify, 300, Cookies.Arp("vip"), MatchBuilder.Arp.ArpOp(ArpRequest).ArpTpa(o.VirtualIp),
                Act.ArpReply(o.VirtualIp, o.VirtualMac), "arp", $"virtual IP {o.VirtualIp} is at {o.VirtualMac}");
        foreach (var h in local)
            // A host asking for its own address (gratuitous ARP, duplicate-address probes) must not be answered.
            Add(Pipeline.Classify, 295, Cookies.Arp(h.Name), MatchBuilder.Arp.InPort(h.Port).ArpOp(ArpRequest).ArpTpa(h.Ip),
                Act.Drop, "arp", $"{h.Name} asks for its own address");
        foreach (var h in topology.Hosts)
            Add(Pipeline.Classify, 290, Cookies.Arp(h.Name), MatchBuilder.Arp.ArpOp(ArpRequest).ArpTpa(h.Ip),
                Act.ArpReply(h.Ip, h.Mac), "arp", $"{h.Name} {h.Ip} is at {h.Mac}");
        Add(Pipeline.Classify, 100, infra, MatchBuilder.Arp, Act.Drop, "arp", "other ARP (answered by the switches, never forwarded)");

        // Table 0: virtual-IP traffic from local hosts starts in the SNAT zone (hairpin replies first).
        foreach (var h in local)
            Add(Pipeline.Classify, 200, Cookies.Host(h.Name), MatchBuilder.Tcp.InPort(h.Port).NwDst(o.VirtualIp),
                [Act.CtLookup(zs, Pipeline.SnatLookup)], "discovery", $"{h.Name} to the virtual IP");
        Add(Pipeline.Classify, 190, infra, MatchBuilder.Ip.NwDst(o.VirtualIp), Act.Drop, "discovery",
            "virtual IP: only TCP from local hosts (NAT happens once, at the first hop)");
        // Table 0: TCP to a local host may be a reply to a connection this switch DNATed.
        foreach (var h in local)
            Add(Pipeline.Classify, 150, Cookies.Host(h.Name), MatchBuilder.Tcp.NwDst(h.Ip),
                [Act.CtLookup(zd, Pipeline.ReplyUnDnat)], "reply", $"TCP to {h.Name}: un-DNAT replies");
        Add(Pipeline.Classify, 10, infra, MatchBuilder.Ip, [Act.Goto(Pipeline.L2Forward)], "forward", "other IPv4");
        Add(Pipeline.Classify, 0, infra, MatchBuilder.Any, Act.Drop, "default", "table miss");

        // Table 1: hairpin replies (established, reply direction in the SNAT zone) go on to the DNAT zone's un-NAT.
        Add(Pipeline.SnatLookup, 100, infra, MatchBuilder.Tcp.CtState(Pipeline.CtTrk | Pipeline.CtEst | Pipeline.CtRpl).CtZone(zs),
            [Act.CtLookup(zd, Pipeline.ReplyUnDnat)], "hairpin", "reply to a hairpin connection: un-SNAT done, un-DNAT next");
        Add(Pipeline.SnatLookup, 10, infra, MatchBuilder.Tcp, [Act.CtLookup(zd, Pipeline.ServiceLb)], "discovery", "look up the DNAT zone");
        Add(Pipeline.SnatLookup, 0, infra, MatchBuilder.Any, Act.Drop, "default", "table miss");

        // Table 2: established connections keep their instance; new ones meet their pair flow.
        Add(Pipeline.ServiceLb, 200, infra, MatchBuilder.Tcp.CtState(Pipeline.CtTrk | Pipeline.CtEst, Pipeline.CtRpl),
            [Act.Goto(Pipeline.Hairpin)], "discovery", "established: already DNATed by the lookup");
        // A SYN retransmitted before any answer (say, the server's backlog dropped the first) finds the
        // connection the group committed: conntrack calls it +new again (OVS's CT_UPDATE_VALID_NEW) but
        // the nat lookup has already DNATed it, so it no longer matches its pair flow's bind port.
        Add(Pipeline.ServiceLb, 150, infra, MatchBuilder.Tcp.CtState(Pipeline.CtTrk | Pipeline.CtNew | Pipeline.CtDnat, Pipeline.CtInv | Pipeline.CtRpl),
            [Act.Goto(Pipeline.Hairpin)], "discovery", "retransmitted SYN of a committed connection: already DNATed by the lookup");
        var groups = new SortedDictionary<uint, CompiledGroup>();
        foreach (var p in localPairs)
        {
            var m = MatchBuilder.Tcp.CtState(Pipeline.CtTrk | Pipeline.CtNew, Pipeline.CtInv).InPort(p.Host.Port).NwSrc(p.Host.Ip).TpDst(p.Port);
            if (!p.Allowed)
            {
                Add(Pipeline.ServiceLb, 100, p.Cookie, m, Act.Drop, "intention", p.ToString());
                continue;
            }
            var gid = groupIds[p.Destination];
            Add(Pipeline.ServiceLb, 100, p.Cookie, m, [Act.Group(gid)], "pair", p.ToString());
            if (!groups.ContainsKey(gid))
            {
                groups[gid] = BuildGroup(gid, registry.Find(p.Destination)!, zd, o);
                groupOrder.Add((gid, p.Destination));
            }
        }
        Add(Pipeline.ServiceLb, 0, infra, MatchBuilder.Any, Act.Drop, "default", "no upstream bound at this host and port");

        // Table 3: hairpin SNAT for connections whose client and instance share a host.
        foreach (var h in local)
            Add(Pipeline.Hairpin, 100, Cookies.Host(h.Name), MatchBuilder.Ip.NwSrc(h.Ip).NwDst(h.Ip),
                [Act.SetEthSrc(o.VirtualMac), Act.CtCommitNat(zs, Pipeline.EndpointMac, NatKind.Source, o.VirtualIp)],
                "hairpin", $"{h.Name} calls itself through the virtual IP: source-NAT to the virtual IP");
        Add(Pipeline.Hairpin, 0, infra, MatchBuilder.Any, [Act.Goto(Pipeline.EndpointMac)], "default", "not a hairpin");

        // Table 4: the chosen instance's MAC replaces the virtual MAC.
        foreach (var h in topology.Hosts)
            Add(Pipeline.EndpointMac, 100, Cookies.Host(h.Name), MatchBuilder.Ip.NwDst(h.Ip),
                [Act.SetEthDst(h.Mac), Act.Goto(Pipeline.L2Forward)], "discovery", $"to {h.Name}");
        Add(Pipeline.EndpointMac, 0, infra, MatchBuilder.Any, Act.Drop, "default", "table miss");

        // Table 5: replies to local clients, already un-DNATed: source becomes the virtual MAC.
        foreach (var h in local)
            Add(Pipeline.ReplyUnDnat, 100, Cookies.Host(h.Name), MatchBuilder.Ip.CtState(Pipeline.CtTrk | Pipeline.CtEst | Pipeline.CtRpl).NwDst(h.Ip),
                [Act.SetEthSrc(o.VirtualMac), Act.SetEthDst(h.Mac), Act.Goto(Pipeline.L2Forward)], "reply", $"reply from the virtual IP to {h.Name}");
        Add(Pipeline.ReplyUnDnat, 0, infra, MatchBuilder.Any, [Act.Goto(Pipeline.L2Forward)], "forward", "not a reply to a local client");

        // Table 6: L2 along the controller's paths; back out the input port needs the in_port action.
        foreach (var h in topology.Hosts)
        {
            if (topology.PortTowards(sw.Name, h) is not { } port)
            {
                pathWarnings.Add($"{sw.Name}: no path to host {h.Name} on {h.Switch}");
                continue;
            }
            if (h.Switch == sw.Name)
                Add(Pipeline.L2Forward, 200, Cookies.Host(h.Name), MatchBuilder.Any.InPort(h.Port).DlDst(h.Mac), [Act.InPort], "forward", $"hairpin back to {h.Name}");
            Add(Pipeline.L2Forward, 100, Cookies.Host(h.Name), MatchBuilder.Any.DlDst(h.Mac), [Act.Output(port)], "forward", $"to {h.Name}");
        }
        Add(Pipeline.L2Forward, 0, infra, MatchBuilder.Any, Act.Drop, "default", "unknown destination MAC");

        return new SwitchCompilation(sw, new RuleSet(sw.Name, flows, groups.Values), localPairs, groupOrder, pathWarnings);
    }

    /// <summary>The select group of upstream <paramref name="service"/> in a switch's DNAT zone: one bucket per healthy instance.</summary>
    internal static CompiledGroup BuildGroup(uint gid, Service service, ushort dnatZone, MeshOptions o)
    {
        var buckets = new List<Bucket>();
        foreach (var i in service.HealthyInstances)
            buckets.Add(new Bucket((uint)buckets.Count, i.Weight, Bucket.NoWatchPort, Bucket.NoWatchGroup,
                [Act.CtCommitNat(dnatZone, Pipeline.Hairpin, NatKind.Destination, i.Address, i.Port)]));
        return new CompiledGroup(new GroupEntry(gid, GroupType.Select, o.SelectionMethod, 0, [], buckets), new Provenance("upstream", service.Name));
    }
}
