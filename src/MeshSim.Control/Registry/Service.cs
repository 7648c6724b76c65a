namespace MeshSim.Control.Registry;

/// <summary>A service: its name, its instances and the upstreams every one of its instances calls.</summary>
public sealed record Service(string Name, IReadOnlyList<ServiceInstance> Instances, IReadOnlyList<Upstream> Upstreams)
{
    /// <summary>The instances that take new connections, in id order.</summary>
    public IEnumerable<ServiceInstance> HealthyInstances =>
        Instances.Where(i => i.TakesTraffic).OrderBy(i => i.Id, StringComparer.Ordinal);
}
