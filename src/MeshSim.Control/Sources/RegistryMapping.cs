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
        var instanceIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, entries) in snapshot.Services)
        {
            if (string.IsNullOrWhiteSpace(name) || name == Intention.Wildcard) { rejected.Add($"consul service \"{name}\": not a usable service name"); continue; }
            var instances = new List<ServiceInstance>();
            IReadOnlyList<Upstream>? upstreams = null;
            foreach (var e in entries)
            {
                var where = $"consul service {name}, instance {e.Service.Id} on node {e.Node.Name}";
                // Sidecar proxies and gateways are Consul Connect's data plane; in this mesh the switches are the data plane.
                if (!string.IsNullOrEmpty(e.Service.Kind)) { rejected.Add($"{where}: Kind \"{e.Service.Kind}\" is a Connect proxy or gateway, not a service instance; the switches replace it"); continue; }
                if (!instanceIds.Add($"{e.Node.Name}/{e.Service.Id}")) { rejected.Add($"{where}: registered twice on one node (service IDs are unique per node)"); continue; }
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
        var pairs = new HashSet<(string, string)>();
        foreach (var i in snapshot.Intentions)
        {
            var where = $"consul intention {i.SourceName} -> {i.DestinationName}";
            if (i.Permissions is { Count: > 0 } permissions)
            {
                rejected.Add($"{where}: {permissions.Count} L7 permission(s) ({Describe(permissions[0])}{(permissions.Count > 1 ? ", ..." : "")}) and no L4 Action; OVS switches decide per connection, not per HTTP request (L7 intentions need the P4 mesh); the pair falls back to the default policy");
                continue;
            }
            if (i.Action is not ("allow" or "deny")) { rejected.Add($"{where}: Action \"{i.Action}\" is not allow or deny"); continue; }
            if (string.IsNullOrEmpty(i.SourceName) || string.IsNullOrEmpty(i.DestinationName)) { rejected.Add($"{where}: source and destination names must not be empty"); continue; }
            if (!pairs.Add((i.SourceName, i.DestinationName))) { rejected.Add($"{where}: a second intention for the pair (Consul keeps one); the first one stays"); continue; }
            intentions.Add(new Intention(i.SourceName, i.DestinationName, i.Action == "allow" ? IntentionAction.Allow : IntentionAction.Deny));
        }
        return Build(services, intentions, defaultPolicy, rejected);
    }

    private static string Describe(ConsulIntentionPermission p)
    {
        var http = p.Http;
        var path = http?.PathExact ?? http?.PathPrefix ?? http?.PathRegex;
        var methods = http?.Methods is { Count: > 0 } m ? string.Join('|', m) + " " : "";
        return $"{p.Action} {methods}{path ?? "any path"}".Trim();
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
    public static IReadOnlyList<Upstream> ParseUpstreams(string? text)
    {
        var upstreams = PodManifestReader.ParseUpstreams(text).Select(kv => new Upstream(kv.Key, kv.Value)).ToList();
        // One bind port means one destination: the switch sees only the port.
        foreach (var clash in upstreams.GroupBy(u => u.LocalBindPort).Where(g => g.Count() > 1))
            throw new FormatException($"upstreams: port {clash.Key} is bound by {string.Join(" and ", clash.Select(u => u.Destination))}");
        return upstreams;
    }
}
