using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MeshSim.Control.Simulation;
using MeshSim.Control.P4;
using MeshSim.Control.Registry;
using MeshSim.Testing;

namespace MeshSim.Control.Tests.Properties;

/// <summary>The controller's update-under-load property on P4 switches (registers kept, tables replaced, backend ids kept).</summary>
[Properties(Arbitrary = [typeof(UpdateGenerators)], MaxTest = 120)]
public class P4UpdateProperties
{
    /// <summary>
    /// Changing the registry under load (instances made unhealthy or healthy, added, intentions
    /// flipped) never breaks an established connection to an instance that is still there, never
    /// delivers to a wrong host, and fresh connections follow the new registry. Updates whose
    /// before or after state the program cannot express (<see cref="P4MeshRegistry.Conflict"/>) are refused.
    /// </summary>
    [Property]
    public Property Updates_keep_established_connections_and_route_new_ones_by_the_new_registry_on_p4(MeshUpdate u)
    {
        var t = u.Before.Topology();
        var (before, after) = (u.Before.Registry(t), u.After.Registry(t));
        var conflict = P4MeshRegistry.Conflict(before, t) ?? P4MeshRegistry.Conflict(after, t);
        IReadOnlyList<string> failures;
        try
        {
            failures = [.. MeshUpdateProbe.Check(SwitchKind.P4, before, after, t, MeshCase.Options).Select(f => f.ToString()),
                        .. conflict is null ? [] : new[] { $"compiled although {conflict}" }];
        }
        catch (RegistryException e)
        {
            failures = conflict is null ? [$"refused without a conflict: {e.Message}"] : [];
        }
        return (failures.Count == 0).Label(string.Join("\n", failures))
            .Classify(conflict is not null, "refused: a port with two meanings on a switch, or two bind ports for one destination on a host");
    }
}
