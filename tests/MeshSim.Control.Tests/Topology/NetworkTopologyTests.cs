using MeshSim.Control.Registry;
using MeshSim.Control.Topology;
using MeshSim.Wire;

namespace MeshSim.Control.Tests.Topology;

public class NetworkTopologyTests
{
    private static SwitchNode[] Switches(int n) => Enumerable.Range(0, n).Select(i => new SwitchNode($"s{i}", (ushort)(i + 1))).ToArray();

    [Fact]
    public void Tree_routes_through_the_common_ancestor()
    {
        // s0 root; s1, s2 below s0; s3, s4 below s1; s5 below s2 (fanout 2).
        var sw = Switches(6);
        var t = new NetworkTopology(sw, [], TopologyShapes.Tree(sw, 2, 100));
        var s3Uplink = t.NextHopPort("s3", "s1");
        Assert.Equal(s3Uplink, t.NextHopPort("s3", "s5")); // up first
        Assert.Equal(100u, s3Uplink);
        var down = t.NextHopPort("s0", "s5");
        Assert.Equal(t.NextHopPort("s0", "s2"), down);      // s5 hangs below s2
        Assert.NotEqual(t.NextHopPort("s0", "s1"), down);
    }

    [Fact]
    public void Full_mesh_goes_direct()
    {
        var sw = Switches(4);
        var links = TopologyShapes.FullMesh(sw, 100);
        var t = new NetworkTopology(sw, [], links);
        Assert.Equal(6, links.Count);
        foreach (var l in links)
        {
            Assert.Equal(l.PortA, t.NextHopPort(l.SwitchA, l.SwitchB));
            Assert.Equal(l.PortB, t.NextHopPort(l.SwitchB, l.SwitchA));
        }
    }

    [Fact]
    public void A_port_used_twice_is_refused_with_its_place()
    {
        var sw = Switches(2);
        var e = Assert.Throws<RegistryException>(() => new NetworkTopology(sw,
            [new HostAttachment("h1", Ipv4Address.Parse("10.0.0.1"), MacAddress.Parse("02:00:00:00:00:01"), "s0", 1)],
            [new SwitchLink("s0", 1, "s1", 1)]));
        Assert.Equal("links[0]: port s0:1 is already in use", e.Message);
    }

    [Fact]
    public void Unreachable_switches_have_no_next_hop()
    {
        var t = new NetworkTopology(Switches(2), [], []);
        Assert.Null(t.NextHopPort("s0", "s1"));
    }
}
