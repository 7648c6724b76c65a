using MeshSim.Control.Registry;
using MeshSim.Control.Samples;

namespace MeshSim.Control.P4;

/// <summary>
/// A variant of the thesis lab (<see cref="ThesisLab"/>): the same hosts, switches, services, placement
/// and upstreams, but every instance listens on the port its clients bind (public-api on 9191, payments
/// on 9340, product-api on 9341, postgres on 9567). The P4 target no longer needs it (the mesh program
/// translates the port too, and <see cref="ThesisLab.Registry"/> compiles as it is); the per-path
/// benchmark builds its fixed frames from it.
/// </summary>
public static class ThesisLabOnP4
{
    /// <summary>The registry; <paramref name="policy"/> defaults to allow-all.</summary>
    public static ServiceRegistry Registry(IntentionPolicy? policy = null)
    {
        var lab = ThesisLab.Registry(policy);
        var bound = lab.Services.SelectMany(s => s.Upstreams).GroupBy(u => u.Destination).ToDictionary(g => g.Key, g => g.First().LocalBindPort, StringComparer.Ordinal);
        return new ServiceRegistry(
            lab.Services.Select(s => s with { Instances = s.Instances.Select(i => i with { Port = bound.GetValueOrDefault(s.Name, i.Port) }).ToArray() }),
            lab.Policy);
    }
}
