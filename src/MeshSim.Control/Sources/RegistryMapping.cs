using MeshSim.Control.Registry;
using MeshSim.Control.Sources.Consul;
using MeshSim.Control.Sources.Kubernetes;
using MeshSim.Wire;

namespace MeshSim.Control.Sources;

/// <summary>
/// Turns what a live source reports into the registry snapshot the compiler reads. An entry that
/// cannot be used (an invalid address, a missing MAC, a bad upstream list) is rejected with a
/// message naming the service, the instance and the field, and every other entry still goes
/// through: one bad registration never holds up the rest of the mesh.
/// </summary>
public static class RegistryMapping
{
    /// <summary>Service metadata keys MeshSim reads from Consul (Consul has no field for them).</summary>
    public const string MacMeta = "meshsim-mac", UpstreamsMeta = "meshsim-upstreams", NodeMeta = "meshsim-node";

    /// <summary>A snapshot plus the entries that were rejected.</summary>
    public sealed record Mapped(ServiceRegistry Registry, IReadOnlyList<string> Rejected);

    /// <summary>Maps a Consul snapshot. The host of an instance is <c>Meta["meshsim-node"]</c>, else the Consul node name;
    /// its MAC is <c>Meta["meshsim-mac"]</c>; upstreams are <c>Meta["meshsim-upstreams"]</c> ("name:port,...").</summary>
    public static Mapped FromConsul(ConsulSnapshot snapshot, IntentionAction defaultPolicy = IntentionAction.Allow)
    {
        var rejected = new List<string>();
        var services = new List<Service>();
        foreach (var (name, entries) in snapshot.Services)
        {
            var instances = new List<ServiceInstance>();
            IReadOnlyList<Upstream>? upstreams = null;
            foreach (var e in entries)
            {
                var where = $"consul service {name}, instance {e.Service.Id}";
                var meta = e.Service.Meta ?? new Dictionary<string, string>();
                var addressText = string.IsNullOrEmpty(e.Service.Address) ? e.Node.Address : e.Service.Address;
                if (!Ipv4Address.TryParse(addressText, out var address)) { rejected.Add($"{where}: Address \"{addressText}\" is not an IPv4 address"); continue; }
                if (e.Service.Port is < 1 or > 65535) { rejected.Add($"{where}: Port {e.Service.Port} is not 1-65535"); continue; }
                if (!meta.TryGetValue(MacMeta, out var macText) || !MacAddress.TryParse(macText, out var mac)) { rejected.Add($"{where}: Meta[\"{MacMeta}\"] must hold the instance's MAC address"); continue; }
                IReadOnlyList<Upstream> ups;
                try { ups = ParseUpstreams(meta.GetValueOrDefault(UpstreamsMeta)); }
                catch (FormatException ex) { rejected.Add($"{where}: Meta[\"{UpstreamsMeta}\"]: {ex.Message}"); continue; }
                upstreams ??= ups;   // upstreams belong to the service; the first valid instance says them
                var health = e.AggregatedStatus switch { "passing" => HealthStatus.Passing, "warning" => HealthStatus.Warning, _ => HealthStatus.Critical };
                var weight = (ushort)Math.Clamp(health == HealthStatus.Warning ? e.Service.Weights?.Warning ?? 1 : e.Service.Weights?.Passing ?? 1, 0, ushort.MaxValue);
                instances.Add(new ServiceInstance($"{e.Node.Name}/{e.Service.Id}", meta.GetValueOrDefault(NodeMeta) ?? e.Node.Name, address, (ushort)e.Service.Port, mac,
                    e.Service.Tags ?? [], weight, health));
            }
            services.Add(new Service(name, instances, upstreams ?? []));
        }
        var intentions = new List<Intention>();
        foreach (var i in snapshot.Intentions)
        {
            if (i.Action is not ("allow" or "deny")) { rejected.Add($"consul intention {i.SourceName} -> {i.DestinationName}: Action \"{i.Action}\" is not allow or deny (L7 permissions need the P4 mesh)"); continue; }
            intentions.Add(new Intention(i.SourceName, i.DestinationName, i.Action == "allow" ? IntentionAction.Allow : IntentionAction.Deny));
        }
        return Build(services, intentions, defaultPolicy, rejected);
    }

    /// <summary>Maps mesh pods: one service per distinct service name, one instance per pod, attached as its own host (container-level attachment).</summary>
    public static Mapped FromPods(IReadOnlyList<MeshPod> pods, IntentionAction defaultPolicy = IntentionAction.Allow)
    {
        var rejected = new List<string>();
        var services = pods.GroupBy(p => p.Service, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var first = g.OrderBy(p => p.Name, StringComparer.Ordinal).First();
            var upstreams = first.Upstreams.Select(u => new Upstream(u.Key, u.Value)).ToList();
            foreach (var p in g.Where(p => !p.Upstreams.SequenceEqual(first.Upstreams)))
                rejected.Add($"{p.Source}: pod {p.Namespace}/{p.Name}: upstreams differ from pod {first.Name} of the same service; using {first.Name}'s");
            return new Service(g.Key, g.Select(p => new ServiceInstance($"{p.Namespace}/{p.Name}", p.Name, p.Ip, p.Port, p.Mac, [])).ToList(), upstreams);
        }).ToList();
        return Build(services, [], defaultPolicy, rejected);
    }

    private static Mapped Build(List<Service> services, List<Intention> intentions, IntentionAction defaultPolicy, List<string> rejected)
    {
        // Upstreams naming services the source does not know are dropped with a message, not fatal.
        var known = services.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var cleaned = services.Select(s =>
        {
            var bad = s.Upstreams.Where(u => !known.Contains(u.Destination)).ToList();
            foreach (var u in bad) rejected.Add($"service {s.Name}: upstream '{u.Destination}' is not registered; ignored until it is");
            return bad.Count == 0 ? s : s with { Upstreams = s.Upstreams.Except(bad).ToList() };
        }).ToList();
        return new Mapped(new ServiceRegistry(cleaned, new IntentionPolicy(intentions, defaultPolicy)), rejected);
    }

    /// <summary>"product-api:9341,payments-api:9340" into upstreams.</summary>
    public static IReadOnlyList<Upstream> ParseUpstreams(string? text) =>
        PodManifestReader.ParseUpstreams(text).Select(kv => new Upstream(kv.Key, kv.Value)).ToList();
}
