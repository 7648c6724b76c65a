using MeshSim.Control.Registry;
using MeshSim.Control.Topology;
using MeshSim.Wire;

namespace MeshSim.Control.Samples;

/// <summary>
/// The thesis lab (section 4.1, table 1, appendix A): HashiCups on four hosts behind two switches.
/// s1 holds H1 (frontend, public-api) on port 1 and H2 (product-api) on port 2, and reaches s2 on
/// port 3; s2 holds H3 (payments) on port 2 and DB1 (postgres) on port 3. The upstream ports are
/// the ones in appendix A. frontend → public-api is the same-host pair the thesis' rules could not serve.
/// </summary>
public static class ThesisLab
{
    /// <summary>The frontend's own port (the thesis does not give one).</summary>
    public const ushort FrontendPort = 3000;

    /// <summary>The two switches, four hosts and the s1–s2 link.</summary>
    public static NetworkTopology Topology()
    {
        SwitchNode s1 = new("s1", 1), s2 = new("s2", 2);
        return new NetworkTopology(
            [s1, s2],
            [
                Host("H1", "192.168.1.11", "00:00:00:00:00:01", "s1", 1),
                Host("H2", "192.168.1.12", "00:00:00:00:00:02", "s1", 2),
                Host("H3", "192.168.1.13", "00:00:00:00:00:03", "s2", 2),
                Host("DB1", "192.168.1.21", "00:00:00:00:00:04", "s2", 3),
            ],
            [new SwitchLink("s1", 3, "s2", 1)]);
    }

    /// <summary>The HashiCups registry with appendix A's upstream ports; <paramref name="policy"/> defaults to allow-all.</summary>
    public static ServiceRegistry Registry(IntentionPolicy? policy = null)
    {
        var t = Topology();
        ServiceInstance On(string id, string node, ushort port)
        {
            var h = t.FindHost(node)!;
            return new ServiceInstance(id, node, h.Ip, port, h.Mac, []);
        }
        return new ServiceRegistry(
        [
            new Service("frontend", [On("frontend-1", "H1", FrontendPort)], [new Upstream("public-api", 9191)]),
            new Service("public-api", [On("public-api-1", "H1", 20863)], [new Upstream("payments", 9340), new Upstream("product-api", 9341)]),
            new Service("product-api", [On("product-api-1", "H2", 19572)], [new Upstream("postgres", 9567)]),
            new Service("payments", [On("payments-1", "H3", 13427)], []),
            new Service("postgres", [On("postgres-1", "DB1", 5432)], []),
        ], policy);
    }

    private static HostAttachment Host(string name, string ip, string mac, string sw, uint port) =>
        new(name, Ipv4Address.Parse(ip), MacAddress.Parse(mac), sw, port);
}
