using MeshSim.Control.Registry;
using MeshSim.Control.Topology;
using MeshSim.Wire;

namespace MeshSim.Control.Compiler;

/// <summary>
/// Compiles a stream of registry snapshots for one topology, redoing only what a snapshot changed.
/// The result of every <see cref="Update"/> equals <see cref="MeshCompiler.Compile"/> of the same
/// snapshot (rules, provenance, bindings, group ids, warnings; a property test checks it on random
/// change sequences). What each compiled part depends on:
/// <list type="bullet">
/// <item>a switch's flows: the topology, the options, and the bindings of its local hosts with the
/// group ids they jump to. Bindings come from service names, upstreams, the hosts each service's
/// instances are on, and the intentions;</item>
/// <item>a group: its service's healthy instances (address, port, weight, in id order).</item>
/// </list>
/// So an instance changing health, weight, address or port rebuilds only the groups of its service,
/// on the switches whose clients use it, and the new rule sets share their flow lists with the old
/// ones (which lets the diff skip the flows). A change that moves bindings recompiles just the
/// switches whose local bindings differ.
/// </summary>
public sealed class IncrementalCompiler(NetworkTopology topology, MeshOptions options)
{
    private ServiceRegistry? _registry;
    private IReadOnlyList<PairBinding> _pairs = [];
    private IReadOnlyDictionary<string, uint> _groupIds = new Dictionary<string, uint>();
    private SwitchCompilation[] _switches = [];

    /// <summary>The last successful result, or null before the first.</summary>
    public CompileResult? Current { get; private set; }

    /// <summary>Switches recompiled from scratch by the last update (all of them on the first).</summary>
    public int RecompiledSwitches { get; private set; }

    /// <summary>Groups rebuilt in place by the last update, over all switches.</summary>
    public int RebuiltGroups { get; private set; }

    /// <summary>Compiles <paramref name="registry"/>. Throws <see cref="RegistryException"/> exactly when a full
    /// compile would, with the same message, and then keeps the previous state.</summary>
    public CompileResult Update(ServiceRegistry registry)
    {
        MeshCompiler.CheckInstances(registry, topology);
        if (_registry is null) return Full(registry);

        var sameNames = SameServiceNames(_registry, registry);
        var samePolicy = SamePolicy(_registry.Policy, registry.Policy);
        // Bindings live on the hosts of their source service: a service whose upstreams or hosts changed
        // can only change the bindings on the hosts it was or is on. Other changes may move any binding.
        IReadOnlyList<PairBinding> pairs = _pairs;
        HashSet<string>? touchedSwitches = [];     // null: any switch's bindings may have changed
        if (!sameNames || !samePolicy)
        {
            pairs = MeshCompiler.ResolvePairs(registry, topology);
            touchedSwitches = null;
        }
        else if (HostsWithChangedBindings(_registry, registry) is { } hosts)
        {
            pairs = Merge(_pairs, MeshCompiler.ResolvePairs(registry, topology, hosts), hosts);
            touchedSwitches = hosts.Select(h => topology.FindHost(h)!.Switch).ToHashSet(StringComparer.Ordinal);
        }
        var groupIds = sameNames ? _groupIds : MeshCompiler.AssignGroupIds(registry);
        var bySwitch = touchedSwitches is { Count: 0 } ? null : MeshCompiler.PairsBySwitch(pairs);
        var regrouped = ChangedGroupContents(_registry, registry);

        var next = new SwitchCompilation[_switches.Length];
        int recompiled = 0, rebuilt = 0;
        for (int i = 0; i < next.Length; i++)
        {
            var old = _switches[i];
            var touched = bySwitch is not null && (touchedSwitches is null || touchedSwitches.Contains(old.Switch.Name));
            var localPairs = touched ? bySwitch!.GetValueOrDefault(old.Switch.Name, []) : old.LocalPairs;
            if (touched && !(localPairs.SequenceEqual(old.LocalPairs) && old.GroupOrder.All(g => groupIds[g.Destination] == g.Gid)))
            {
                next[i] = MeshCompiler.CompileSwitch(old.Switch, registry, topology, options, localPairs, groupIds);
                recompiled++;
                continue;
            }
            var replacements = old.GroupOrder.Where(g => regrouped.Contains(g.Destination))
                .Select(g => MeshCompiler.BuildGroup(g.Gid, registry.Find(g.Destination)!, Pipeline.DnatZone(old.Switch.Id), options))
                .ToList();
            rebuilt += replacements.Count;
            // Bindings equal in value but rebuilt as new objects are kept as the old ones: equal inputs, equal rules.
            next[i] = replacements.Count == 0 ? old : old with { Rules = old.Rules.WithGroups(replacements) };
        }
        return Commit(registry, pairs, groupIds, next, recompiled, rebuilt);
    }

    private CompileResult Full(ServiceRegistry registry)
    {
        var pairs = MeshCompiler.ResolvePairs(registry, topology);
        var groupIds = MeshCompiler.AssignGroupIds(registry);
        var bySwitch = MeshCompiler.PairsBySwitch(pairs);
        var switches = topology.Switches
            .Select(sw => MeshCompiler.CompileSwitch(sw, registry, topology, options, bySwitch.GetValueOrDefault(sw.Name, []), groupIds))
            .ToArray();
        return Commit(registry, pairs, groupIds, switches, switches.Length, 0);
    }

    private CompileResult Commit(ServiceRegistry registry, IReadOnlyList<PairBinding> pairs, IReadOnlyDictionary<string, uint> groupIds,
        SwitchCompilation[] switches, int recompiled, int rebuilt)
    {
        (_registry, _pairs, _groupIds, _switches) = (registry, pairs, groupIds, switches);
        (RecompiledSwitches, RebuiltGroups) = (recompiled, rebuilt);
        return Current = MeshCompiler.Assemble(switches, registry, pairs, groupIds);
    }

    /// <summary>The hosts, before or after, of services whose binding inputs changed; null when there are none. Names must match.</summary>
    private static HashSet<string>? HostsWithChangedBindings(ServiceRegistry before, ServiceRegistry after)
    {
        HashSet<string>? hosts = null;
        foreach (var (a, b) in before.Services.Zip(after.Services))
        {
            if (SameBindingInputs(a, b)) continue;
            hosts ??= new HashSet<string>(StringComparer.Ordinal);
            foreach (var i in a.Instances) hosts.Add(i.Node);
            foreach (var i in b.Instances) hosts.Add(i.Node);
        }
        return hosts;
    }

    /// <summary>The old bindings off <paramref name="hosts"/> merged with the new ones on them, in binding order (both inputs are in it).</summary>
    private static PairBinding[] Merge(IReadOnlyList<PairBinding> old, IReadOnlyList<PairBinding> onHosts, HashSet<string> hosts)
    {
        var merged = new List<PairBinding>(old.Count + onHosts.Count);
        int j = 0;
        foreach (var p in old)
        {
            if (hosts.Contains(p.Host.Name)) continue;
            while (j < onHosts.Count && MeshCompiler.CompareBindings(onHosts[j], p) < 0) merged.Add(onHosts[j++]);
            merged.Add(p);
        }
        while (j < onHosts.Count) merged.Add(onHosts[j++]);
        return merged.ToArray();
    }

    private static bool SameServiceNames(ServiceRegistry a, ServiceRegistry b) =>
        a.Services.Count == b.Services.Count && a.Services.Zip(b.Services).All(p => p.First.Name == p.Second.Name);

    private static bool SamePolicy(IntentionPolicy a, IntentionPolicy b) =>
        ReferenceEquals(a, b) || (a.Default == b.Default && a.Intentions.SequenceEqual(b.Intentions));

    /// <summary>What <see cref="MeshCompiler.ResolvePairs"/> reads of a service: its upstreams and the hosts of its instances.</summary>
    private static bool SameBindingInputs(Service a, Service b) =>
        ReferenceEquals(a, b) || (a.Upstreams.SequenceEqual(b.Upstreams) && (SameNodesInOrder(a, b) || HostsOf(a).SequenceEqual(HostsOf(b))));

    // The common case (a source rebuilt the same registry as new objects) without sorting or allocating.
    private static bool SameNodesInOrder(Service a, Service b)
    {
        if (a.Instances.Count != b.Instances.Count) return false;
        for (int i = 0; i < a.Instances.Count; i++)
            if (a.Instances[i].Node != b.Instances[i].Node) return false;
        return true;
    }

    private static bool SameBucketInputsInOrder(Service a, Service b)
    {
        if (a.Instances.Count != b.Instances.Count) return false;
        for (int i = 0; i < a.Instances.Count; i++)
        {
            var (x, y) = (a.Instances[i], b.Instances[i]);
            if (x.Id != y.Id || x.Address != y.Address || x.Port != y.Port || x.Weight != y.Weight || x.TakesTraffic != y.TakesTraffic) return false;
        }
        return true;
    }

    private static IEnumerable<string> HostsOf(Service s) => s.Instances.Select(i => i.Node).Distinct().Order(StringComparer.Ordinal);

    /// <summary>Services whose group buckets would differ: new ones, and those whose healthy instances changed in address, port, weight or order.</summary>
    private static HashSet<string> ChangedGroupContents(ServiceRegistry before, ServiceRegistry after)
    {
        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in after.Services)
        {
            var old = before.Find(s.Name);
            if (ReferenceEquals(old, s)) continue;
            if (old is null || (!SameBucketInputsInOrder(old, s) && !Buckets(old).SequenceEqual(Buckets(s)))) changed.Add(s.Name);
        }
        return changed;
    }

    private static IEnumerable<(Ipv4Address, ushort, ushort)> Buckets(Service s) => s.HealthyInstances.Select(i => (i.Address, i.Port, i.Weight));
}
