using MeshSim.Control.Registry;
using MeshSim.Control.Sources;
using MeshSim.Control.Sources.Consul;
using MeshSim.Control.Sources.Kubernetes;
using MeshSim.Wire;

namespace MeshSim.Control.Tests.Sources;

public class RegistryMappingTests
{
    private static ConsulHealthEntry Entry(string service, string id, string address, int port, string? mac, string status = "passing", string? upstreams = null)
    {
        var meta = new Dictionary<string, string>();
        if (mac is not null) meta[RegistryMapping.MacMeta] = mac;
        if (upstreams is not null) meta[RegistryMapping.UpstreamsMeta] = upstreams;
        return new ConsulHealthEntry(new ConsulNode("node-" + id, address), new ConsulAgentService(id, service, ["v1"], address, port, meta, new ConsulWeights(3, 1)),
            [new ConsulCheck("c", status)]);
    }

    [Fact]
    public void Consul_entries_become_instances_with_health_weight_and_upstreams()
    {
        var snapshot = new ConsulSnapshot(new SortedDictionary<string, IReadOnlyList<ConsulHealthEntry>>(StringComparer.Ordinal)
        {
            ["public-api"] = [Entry("public-api", "pa1", "192.168.1.11", 20863, "00:00:00:00:00:01", upstreams: "product-api:9341")],
            ["product-api"] = [Entry("product-api", "p1", "192.168.1.12", 19572, "00:00:00:00:00:02"),
                               Entry("product-api", "p2", "192.168.1.14", 19572, "00:00:00:00:00:05", status: "critical")],
        }, [new ConsulIntention("public-api", "product-api", "deny", 9)], 42);
        var (registry, rejected) = RegistryMapping.FromConsul(snapshot);
        Assert.Empty(rejected);
        var product = registry.Find("product-api")!;
        Assert.Equal(["node-p1/p1"], product.HealthyInstances.Select(i => i.Id));      // the critical one left
        Assert.Equal((ushort)3, product.Instances[0].Weight);
        Assert.Equal([new Upstream("product-api", 9341)], registry.Find("public-api")!.Upstreams);
        Assert.Equal(IntentionAction.Deny, registry.Policy.Decide("public-api", "product-api").Action);
    }

    [Fact]
    public void A_bad_entry_is_rejected_by_name_and_the_good_ones_stay()
    {
        var snapshot = new ConsulSnapshot(new SortedDictionary<string, IReadOnlyList<ConsulHealthEntry>>(StringComparer.Ordinal)
        {
            ["web"] = [Entry("web", "w1", "10.0.0.300", 80, "00:00:00:00:00:01"), Entry("web", "w2", "10.0.0.2", 80, "00:00:00:00:00:02"),
                       Entry("web", "w3", "10.0.0.3", 80, mac: null)],
            ["api"] = [Entry("api", "a1", "10.0.0.4", 8080, "00:00:00:00:00:04", upstreams: "web:9000, nosuch:9001")],
        }, [new ConsulIntention("api", "web", "L7", 9)], 1);
        var (registry, rejected) = RegistryMapping.FromConsul(snapshot);
        Assert.Equal(["node-w2/w2"], registry.Find("web")!.Instances.Select(i => i.Id));
        Assert.Contains("consul service web, instance w1 on node node-w1: Address \"10.0.0.300\" is not an IPv4 address", rejected);
        Assert.Contains(rejected, r => r.StartsWith("consul service web, instance w3 on node node-w3: Meta[\"meshsim-mac\"]"));
        Assert.Contains("service api: upstream 'nosuch' is not registered; ignored until it is", rejected);
        Assert.Contains(rejected, r => r.Contains("Action \"L7\" is not allow or deny"));
        Assert.Equal([new Upstream("web", 9000)], registry.Find("api")!.Upstreams);
    }

    [Fact]
    public void Pods_group_into_services_with_one_instance_per_pod()
    {
        var pods = new[]
        {
            new MeshPod("default", "api-1", "api", "node-1", Ipv4Address.Parse("10.1.0.1"), MacAddress.Parse("00:00:00:00:01:01"), 8080, new Dictionary<string, ushort> { ["db"] = 9567 }, "ovs-net", "p.yaml:1:1"),
            new MeshPod("default", "api-2", "api", "node-2", Ipv4Address.Parse("10.1.0.2"), MacAddress.Parse("00:00:00:00:01:02"), 8080, new Dictionary<string, ushort> { ["db"] = 9567 }, "ovs-net", "p.yaml:9:1"),
            new MeshPod("default", "db-1", "db", "node-2", Ipv4Address.Parse("10.1.0.3"), MacAddress.Parse("00:00:00:00:01:03"), 5432, new Dictionary<string, ushort>(), "ovs-net", "p.yaml:20:1"),
        };
        var (registry, rejected) = RegistryMapping.FromPods(pods);
        Assert.Empty(rejected);
        Assert.Equal(["default/api-1", "default/api-2"], registry.Find("api")!.Instances.Select(i => i.Id));
        Assert.Equal("api-2", registry.Find("api")!.Instances[1].Node);
        Assert.Equal([new Upstream("db", 9567)], registry.Find("api")!.Upstreams);
    }

    [Fact]
    public void Duplicate_intentions_clashing_bind_ports_and_proxies_are_rejected_not_thrown()
    {
        var proxy = Entry("web", "w9", "10.0.0.9", 21000, "00:00:00:00:00:09");
        proxy = proxy with { Service = proxy.Service with { Kind = "connect-proxy" } };
        var snapshot = new ConsulSnapshot(new SortedDictionary<string, IReadOnlyList<ConsulHealthEntry>>(StringComparer.Ordinal)
        {
            ["web"] = [Entry("web", "w1", "10.0.0.1", 80, "00:00:00:00:00:01"), Entry("web", "w1", "10.0.0.1", 81, "00:00:00:00:00:01"), proxy],
            ["api"] = [Entry("api", "a1", "10.0.0.4", 8080, "00:00:00:00:00:04", upstreams: "web:9000,db:9000")],
            ["*"] = [Entry("*", "x1", "10.0.0.5", 80, "00:00:00:00:00:05")],
        }, [new ConsulIntention("api", "web", "deny", 9), new ConsulIntention("api", "web", "allow", 9),
            new ConsulIntention("web", "api", Permissions: [new ConsulIntentionPermission("deny", new ConsulIntentionHttpMatch(PathPrefix: "/admin", Methods: ["POST"]))])], 1);

        var (registry, rejected) = RegistryMapping.FromConsul(snapshot);

        Assert.Equal(["node-w1/w1"], registry.Find("web")!.Instances.Select(i => i.Id));
        Assert.Empty(registry.Find("api")!.Instances);
        Assert.Null(registry.Find("*"));
        Assert.Equal([new Intention("api", "web", IntentionAction.Deny)], registry.Policy.Intentions);
        Assert.Equal(
        [
            "consul service \"*\": not a usable service name",
            "consul service api, instance a1 on node node-a1: Meta[\"meshsim-upstreams\"]: upstreams: port 9000 is bound by db and web",
            "consul service web, instance w1 on node node-w1: registered twice on one node (service IDs are unique per node)",
            "consul service web, instance w9 on node node-w9: Kind \"connect-proxy\" is a Connect proxy or gateway, not a service instance; the switches replace it",
            "consul intention api -> web: a second intention for the pair (Consul keeps one); the first one stays",
            "consul intention web -> api: 1 L7 permission(s) (deny POST /admin) and no L4 Action; OVS switches decide per connection, not per HTTP request (L7 intentions need the P4 mesh); the pair falls back to the default policy",
        ], rejected);
    }
}
