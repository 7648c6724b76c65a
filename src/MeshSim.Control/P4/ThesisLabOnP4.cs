using MeshSim.Control.Registry;
using MeshSim.Control.Samples;

namespace MeshSim.Control.P4;

/// <summary>
/// The thesis lab (<see cref="ThesisLab"/>) in the form the P4 mesh program can serve: the same
/// hosts, switches, services, placement and upstreams, but every instance listens on the port its
/// clients bind (public-api on 9191, payments on 9340, product-api on 9341, postgres on 9567), because
/// the program translates the virtual IP to an instance address and keeps the port.
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
