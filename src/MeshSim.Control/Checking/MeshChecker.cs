using MeshSim.Control.Compiler;
using MeshSim.Control.Registry;
using MeshSim.Control.Rules;
using MeshSim.Control.Topology;
using MeshSim.Ovs;

namespace MeshSim.Control.Checking;

/// <summary>One property that did not hold, with enough detail to find the rule.</summary>
public sealed record CheckFailure(string Property, string Detail)
{
    /// <summary>"property: detail".</summary>
    public override string ToString() => $"{Property}: {Detail}";
}

/// <summary>
/// Checks a user's registry and topology against the properties the compiler promises, without a
/// switch: compilation is deterministic and independent of input order; every rule set survives
/// render → parse → render; each (host, port) binding does what the registry and intentions say
/// (allowed pairs reach a group holding exactly the healthy instances, denied pairs drop); every
/// <c>goto_table</c> moves forward and every group a flow names exists; every switch forwards to
/// every host; and an update's diff, applied to the old rules, gives the new ones.
/// </summary>
/// <remarks>Packet-level properties (handshakes, spreading, updates under load) run these rules in the simulator.</remarks>
public static class MeshChecker
{
    /// <summary>All static properties of one registry + topology. Empty when everything holds.</summary>
    public static IReadOnlyList<CheckFailure> Check(ServiceRegistry registry, NetworkTopology topology, MeshOptions options)
    {
        var failures = new List<CheckFailure>();
        var a = MeshCompiler.Compile(registry, topology, options);
        var reversed = new ServiceRegistry(registry.Services.Reverse(), new IntentionPolicy(registry.Policy.Intentions.Reverse(), registry.Policy.Default));
        var b = MeshCompiler.Compile(reversed, topology, options);
        foreach (var (x, y) in a.RuleSets.Zip(b.RuleSets))
            if (Render(x) != Render(y)) failures.Add(new("deterministic", $"{x.Switch}: input order changed the rules"));

        foreach (var rs in a.RuleSets)
        {
            var flows = RuleText.FormatFlows(rs);
            var groups = RuleText.FormatGroups(rs);
            RuleSet back;
            try { back = RuleTextParser.Parse(rs.Switch, flows, groups); }
            catch (RuleTextException e) { failures.Add(new("round-trip", $"{rs.Switch}: {e.Message}")); continue; }
            if (!back.SameRules(rs) || !back.Flows.Select(f => f.From).SequenceEqual(rs.Flows.Select(f => f.From)))
                failures.Add(new("round-trip", $"{rs.Switch}: parse(render(rules)) differs from the rules"));
            else if (RuleText.FormatFlows(back) + RuleText.FormatGroups(back) != flows + groups)
                failures.Add(new("round-trip", $"{rs.Switch}: render(parse(text)) differs from the text"));
            CheckStructure(rs, topology, failures);
        }
        CheckBindings(registry, topology, a, failures);
        return failures;
    }

    /// <summary>apply(diff(compile(before), compile(after)), compile(before)) = compile(after), per switch.</summary>
    public static IReadOnlyList<CheckFailure> CheckUpdate(ServiceRegistry before, ServiceRegistry after, NetworkTopology topology, MeshOptions options)
    {
        var failures = new List<CheckFailure>();
        var a = MeshCompiler.Compile(before, topology, options);
        var b = MeshCompiler.Compile(after, topology, options);
        foreach (var (x, y) in a.RuleSets.Zip(b.RuleSets))
        {
            var diff = RuleSetDiff.Compute(x, y);
            var applied = diff.ApplyTo(x);
            if (!applied.SameRules(y)) failures.Add(new("diff-apply", $"{x.Switch}: applying the {diff.Count}-change diff does not give the new rules"));
            if (RuleSetDiff.Compute(y, y).Count != 0) failures.Add(new("diff-empty", $"{x.Switch}: diff of identical rule sets is not empty"));
        }
        return failures;
    }

    private static string Render(RuleSet rs) => RuleText.FormatFlows(rs) + RuleText.FormatGroups(rs);

    private static void CheckStructure(RuleSet rs, NetworkTopology topology, List<CheckFailure> failures)
    {
        var groupIds = rs.Groups.Select(g => g.Group.GroupId).ToHashSet();
        foreach (var f in rs.Flows)
        {
            foreach (var act in f.Flow.Actions)
            {
                if (act is GotoTableAction g && g.Table <= f.Flow.Table)
                    failures.Add(new("forward-gotos", $"{rs.Switch}: {RuleText.FormatFlow(f.Flow)} jumps back"));
                if (act is GroupAction ga && !groupIds.Contains(ga.GroupId))
                    failures.Add(new("groups-exist", $"{rs.Switch}: {RuleText.FormatFlow(f.Flow)} names a missing group"));
            }
        }
        foreach (var h in topology.Hosts)
        {
            var m = RuleText.CreateMatch([new FieldMatch(OvsFieldId.EthDst, h.Mac.Value, OvsFields.Get(OvsFieldId.EthDst).FullMask)]);
            var l2 = rs.Flows.FirstOrDefault(f => f.Flow.Table == Pipeline.L2Forward && f.Flow.Priority == 100 && f.Flow.Match.Equals(m));
            var expected = topology.PortTowards(rs.Switch, h);
            if (expected is null) failures.Add(new("reachability", $"{rs.Switch}: no path to {h.Name}"));
            else if (l2 is null || l2.Flow.Actions is not [OutputAction o] || o.Port != expected)
                failures.Add(new("reachability", $"{rs.Switch}: host {h.Name} is not forwarded to port {expected}"));
        }
    }

    private static void CheckBindings(ServiceRegistry registry, NetworkTopology topology, CompileResult compiled, List<CheckFailure> failures)
    {
        foreach (var p in compiled.Pairs)
        {
            var rs = compiled.For(p.Host.Switch);
            var flow = rs.Flows.FirstOrDefault(f => f.Flow.Table == Pipeline.ServiceLb && f.Flow.Cookie == p.Cookie
                && f.Flow.Match.ExactValue(OvsFieldId.InPort) == p.Host.Port && f.Flow.Match.ExactValue(OvsFieldId.TpDst) == p.Port);
            if (flow is null) { failures.Add(new("bindings", $"no flow for {p}")); continue; }
            var (decision, _) = registry.Policy.Decide(p.Source, p.Destination);
            if ((decision == IntentionAction.Allow) != p.Allowed)
                failures.Add(new("intentions", $"{p}: policy says {decision}"));
            if (!p.Allowed)
            {
                if (flow.Flow.Actions.Count != 0) failures.Add(new("intentions", $"{p}: denied pair does not drop"));
                continue;
            }
            if (flow.Flow.Actions is not [GroupAction ga]) { failures.Add(new("bindings", $"{p}: allowed pair does not use a group")); continue; }
            var group = rs.Groups.FirstOrDefault(g => g.Group.GroupId == ga.GroupId)?.Group;
            if (group is null) continue; // reported by groups-exist
            var targets = group.Buckets.Select(b => b.Actions is [CtAction { Commit: true, Nat: { Kind: NatKind.Destination } nat }]
                    ? $"{nat.AddressMin}:{nat.PortMin}/{b.Weight}" : "?").Order(StringComparer.Ordinal).ToArray();
            var expected = registry.Find(p.Destination)!.HealthyInstances.Select(i => $"{i.Address}:{i.Port}/{i.Weight}").Order(StringComparer.Ordinal).ToArray();
            if (!targets.SequenceEqual(expected))
                failures.Add(new("load-balancing", $"{p}: group {ga.GroupId} targets [{string.Join(", ", targets)}], healthy instances are [{string.Join(", ", expected)}]"));
        }
        // Every (host of a service instance, upstream) must have a binding.
        foreach (var s in registry.Services)
            foreach (var node in s.Instances.Select(i => i.Node).Distinct())
                foreach (var u in s.Upstreams)
                    if (!compiled.Pairs.Any(p => p.Host.Name == node && p.Port == u.LocalBindPort && p.Destination == u.Destination))
                        failures.Add(new("bindings", $"{s.Name}@{node}: upstream {u} has no binding"));
    }
}
