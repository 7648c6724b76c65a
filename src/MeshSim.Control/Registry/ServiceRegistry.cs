namespace MeshSim.Control.Registry;

/// <summary>
/// A snapshot of the service registry: services (sorted by name) and the intention policy. This is
/// what the compiler reads; live sources (scenario files, Consul, Kubernetes) produce snapshots.
/// </summary>
public sealed class ServiceRegistry
{
    private readonly Dictionary<string, Service> _byName;

    /// <summary>Services in name order.</summary>
    public IReadOnlyList<Service> Services { get; }

    /// <summary>The L4 intentions and the default policy.</summary>
    public IntentionPolicy Policy { get; }

    /// <summary>Builds and validates a snapshot: unique service and instance ids, upstreams naming known services, ports non-zero.</summary>
    public ServiceRegistry(IEnumerable<Service> services, IntentionPolicy? policy = null)
    {
        Services = services.OrderBy(s => s.Name, StringComparer.Ordinal).ToArray();
        Policy = policy ?? IntentionPolicy.AllowAll;
        _byName = new Dictionary<string, Service>(StringComparer.Ordinal);
        var instanceIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in Services)
        {
            if (string.IsNullOrWhiteSpace(s.Name) || s.Name == Intention.Wildcard)
                throw new RegistryException($"services: '{s.Name}' is not a valid service name");
            if (!_byName.TryAdd(s.Name, s)) throw new RegistryException($"services: '{s.Name}' is registered twice");
            foreach (var i in s.Instances)
            {
                if (!instanceIds.Add(i.Id)) throw new RegistryException($"services.{s.Name}.instances: id '{i.Id}' is used twice (instance ids are registry-wide)");
                if (i.Port == 0) throw new RegistryException($"services.{s.Name}.instances.{i.Id}: port must be 1-65535");
            }
        }
        foreach (var s in Services)
        {
            var ports = new HashSet<ushort>();
            foreach (var u in s.Upstreams)
            {
                if (!_byName.ContainsKey(u.Destination))
                    throw new RegistryException($"services.{s.Name}.upstreams: '{u.Destination}' is not a registered service (known: {string.Join(", ", _byName.Keys.Order(StringComparer.Ordinal))})");
                if (u.LocalBindPort == 0) throw new RegistryException($"services.{s.Name}.upstreams.{u.Destination}: local bind port must be 1-65535");
                if (!ports.Add(u.LocalBindPort)) throw new RegistryException($"services.{s.Name}.upstreams: local bind port {u.LocalBindPort} is used by two upstreams");
            }
        }
    }

    /// <summary>The service named <paramref name="name"/>, or null.</summary>
    public Service? Find(string name) => _byName.GetValueOrDefault(name);
}
