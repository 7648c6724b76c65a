using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MeshSim.Control.Simulation;
using MeshSim.Control.P4;
using MeshSim.Control.Registry;
using MeshSim.Testing;

namespace MeshSim.Control.Tests.Properties;

/// <summary>The controller's packet-level properties on a topology of P4 switches running the mesh program with the P4 target's entries.</summary>
[Properties(Arbitrary = [typeof(MeshGenerators)], MaxTest = 300)]
public class P4SimulatorProperties
{
    private const int Connections = 2, Requests = 3;

    /// <summary>
    /// Every connection of an allowed binding with a healthy upstream completes to the virtual IP
    /// and all its requests are answered by one and the same healthy instance of the destination;
    /// no connection of a denied binding (or one without a healthy instance) completes. Cases the
    /// program cannot express (see <see cref="P4MeshRegistry.Conflict"/>) must be refused, and only those.
    /// </summary>
    [Property]
    public Property Allowed_pairs_connect_consistently_and_denied_pairs_never_do_on_p4_switches(MeshCase c)
    {
        var t = c.Topology();
        var reg = c.Registry(t);
        var conflict = P4MeshRegistry.Conflict(reg, t);
        IReadOnlyList<string> failures;
        try
        {
            var fabric = MeshFabric.Build(SwitchKind.P4, reg, t, MeshCase.Options);
            var outcomes = MeshProbe.Run(fabric, reg, MeshCase.Options, Connections, Requests);
            failures = [.. MeshProbe.Check(outcomes, reg, MeshCase.Options, Requests).Select(f => f.ToString()),
                        .. conflict is null ? [] : new[] { $"compiled although {conflict}" }];
        }
        catch (RegistryException e)
        {
            failures = conflict is null ? [$"refused without a conflict: {e.Message}"] : [];
        }
        return (failures.Count == 0).Label(string.Join("\n", failures))
            .Classify(conflict is not null, "refused: a port with two meanings on a switch, or two bind ports for one destination on a host")
            .Classify(reg.Policy.Intentions.Count > 0, "with intentions")
            .Classify(reg.Services.Any(s => s.Instances.Count > 1), "several instances");
    }
}
