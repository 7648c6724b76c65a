using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MeshSim.Control.Simulation;
using MeshSim.Control.Checking;
using MeshSim.Control.Compiler;
using MeshSim.Control.P4;
using MeshSim.Control.Registry;
using MeshSim.Control.Rules;
using MeshSim.Testing;

namespace MeshSim.Control.Tests.Properties;

[Properties(Arbitrary = [typeof(MeshGenerators)], MaxTest = 60)]
public class CompilerProperties
{
    [Property]
    public Property Every_static_property_holds(MeshCase c)
    {
        return MeshProperties.CompiledRulesHold(c)
            .Classify(c.FullMesh, "full mesh").Classify(c.Switches == 1, "one switch")
            .Classify(c.Services.Any(s => s.Instances.Count > 1 && s.Instances.Select(i => i.Host).Distinct().Count() < s.Instances.Count), "instances sharing a host");
    }

    [Property]
    public Property Diff_applied_to_the_old_rules_gives_the_new_rules(MeshCase before, MeshCase after)
    {
        // Two unrelated cases on the first one's topology (the second's services re-placed onto its hosts).
        var t = before.Topology();
        var hosts = before.HostSwitch.Count;
        var moved = after with
        {
            Services = after.Services.Select(s => s with { Instances = s.Instances.Select(i => i with { Host = i.Host % hosts }).ToArray() }).ToArray(),
        };
        var fixedPorts = moved with { Services = MeshGenerators.UniquePorts(moved.Services) };
        var failures = MeshChecker.CheckUpdate(before.Registry(t), fixedPorts.Registry(t), t, MeshCase.Options);
        return (failures.Count == 0).Label(string.Join("\n", failures));
    }

    [Property]
    public Property One_instance_changing_health_touches_only_its_group(MeshCase c, int pick)
    {
        var t = c.Topology();
        var reg = c.Registry(t);
        var all = reg.Services.SelectMany(s => s.Instances.Select(i => (Service: s, Instance: i))).ToArray();
        if (all.Length == 0) return true.ToProperty();
        var (svc, inst) = all[(int)((uint)pick % (uint)all.Length)];
        var flipped = inst with { Health = inst.Health == HealthStatus.Critical ? HealthStatus.Passing : HealthStatus.Critical };
        var after = new ServiceRegistry(reg.Services.Select(s => s != svc ? s : s with { Instances = s.Instances.Select(i => i == inst ? flipped : i).ToArray() }), reg.Policy);
        var a = MeshCompiler.Compile(reg, t, MeshCase.Options);
        var b = MeshCompiler.Compile(after, t, MeshCase.Options);
        var gid = a.GroupIds[svc.Name];
        var bad = new List<string>();
        foreach (var (x, y) in a.RuleSets.Zip(b.RuleSets))
        {
            var d = RuleSetDiff.Compute(x, y);
            if (d.FlowUpserts.Count + d.FlowDeletes.Count + d.GroupDeletes.Count != 0) bad.Add($"{x.Switch}: flows changed");
            if (d.GroupUpserts.Any(g => g.Kind != ChangeKind.Modify || g.Group.Group.GroupId != gid)) bad.Add($"{x.Switch}: another group changed");
            if (d.GroupUpserts.Count != (x.Groups.Any(g => g.Group.GroupId == gid) && inst.Weight > 0 ? 1 : 0)) bad.Add($"{x.Switch}: {d.GroupUpserts.Count} group mods");
        }
        return (bad.Count == 0).Label($"flipped {inst}: {string.Join("; ", bad)}");
    }
}

[Properties(Arbitrary = [typeof(MeshGenerators)], MaxTest = 25)]
public class SimulatorProperties
{
    /// <summary>
    /// In the simulator, with the compiled rules: every allowed pair with a healthy upstream
    /// completes a handshake to the virtual IP and is answered by one of that service's healthy
    /// instances; every denied pair (and every pair without a healthy instance) never connects.
    /// </summary>
    [Property]
    public Property Allowed_pairs_connect_and_denied_pairs_never_do(MeshCase c)
    {
        return MeshProperties.AllowedPairsConnectAndDeniedPairsNeverDo(c, SwitchKind.Ovs)
            .Classify(c.Intentions.Count > 0, "with intentions")
            .Classify(c.Services.Any(s => s.Instances.Select(i => i.Host).Distinct().Count() < s.Instances.Count), "shared hosts");
    }
}

[Properties(Arbitrary = [typeof(UpdateGenerators)], MaxTest = 20)]
public class UpdateUnderLoadProperties
{
    /// <summary>
    /// Changing the registry under load (instances made unhealthy or healthy, added, intentions
    /// flipped) never breaks an established connection to an instance that is still there, never
    /// delivers to a wrong host, and fresh connections follow the new registry.
    /// </summary>
    [Property]
    public Property Updates_keep_established_connections_and_route_new_ones_by_the_new_registry(MeshUpdate u)
    {
        return MeshProperties.UpdatesKeepEstablishedConnections(u, SwitchKind.Ovs);
    }
}
