using MeshSim.Control.Registry;
using MeshSim.Wire;

namespace MeshSim.Control.Tests.Registry;

public class ServiceRegistryTests
{
    private static ServiceInstance Inst(string id, ushort port = 80) => new(id, "h1", Ipv4Address.Parse("10.0.0.1"), port, MacAddress.Parse("02:00:00:00:00:01"), []);

    [Fact]
    public void Upstream_to_an_unknown_service_names_it_and_the_known_ones()
    {
        var e = Assert.Throws<RegistryException>(() => new ServiceRegistry([new Service("web", [Inst("w1")], [new Upstream("dbx", 9000)]), new Service("db", [], [])]));
        Assert.Equal("services.web.upstreams: 'dbx' is not a registered service (known: db, web)", e.Message);
    }

    [Fact]
    public void Two_upstreams_on_one_bind_port_are_refused()
    {
        var e = Assert.Throws<RegistryException>(() => new ServiceRegistry(
            [new Service("web", [Inst("w1")], [new Upstream("a", 9000), new Upstream("b", 9000)]), new Service("a", [], []), new Service("b", [], [])]));
        Assert.Contains("local bind port 9000", e.Message);
    }

    [Fact]
    public void Instance_ids_are_unique_registry_wide()
    {
        var e = Assert.Throws<RegistryException>(() => new ServiceRegistry([new Service("a", [Inst("x")], []), new Service("b", [Inst("x", 81)], [])]));
        Assert.Contains("'x' is used twice", e.Message);
    }

    [Fact]
    public void Critical_and_zero_weight_instances_take_no_traffic()
    {
        var s = new Service("a", [Inst("c") with { Health = HealthStatus.Critical }, Inst("z", 81) with { Weight = 0 }, Inst("w", 82) with { Health = HealthStatus.Warning }, Inst("p", 83)], []);
        Assert.Equal(["p", "w"], s.HealthyInstances.Select(i => i.Id));
    }
}
