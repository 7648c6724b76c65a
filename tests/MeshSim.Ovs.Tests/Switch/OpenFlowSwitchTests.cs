using MeshSim.Engine;
using MeshSim.Ovs.Datapath;
using MeshSim.Ovs.Switch;
using MeshSim.Wire;
using static MeshSim.Ovs.Tests.Conntrack.Packets;

namespace MeshSim.Ovs.Tests.Switch;

public class OpenFlowSwitchTests
{
    private sealed class Host : Node
    {
        public readonly List<byte[]> Received = new();
        public Host(Network n, string name) : base(n, name) => AddPort(0);
        protected override void Receive(Port port, Frame frame)
        {
            Received.Add(frame.Data.ToArray());
            frame.Release();
        }
        public void Send(byte[] bytes) => Ports[0].Send(Network.Frames.Rent(bytes));
    }

    private static void Install(OpenFlowSwitch s, string flows) =>
        s.Bridge.AddFlows(OvsRuleFile.ParseFlows(flows).Entries.Select(e => e.Entry));

    [Fact]
    public void Vxlan_tunnel_carries_frames_between_switches_on_virtual_time()
    {
        var net = new Network(seed: 7);
        var h1 = new Host(net, "h1");
        var h2 = new Host(net, "h2");
        var s1 = new OpenFlowSwitch(net, "s1");
        var s2 = new OpenFlowSwitch(net, "s2");
        net.Connect(h1.Ports[0], s1.AddSwitchPort(1));
        net.Connect(h2.Ports[0], s2.AddSwitchPort(1));
        MacAddress m1 = MacAddress.Parse("02:00:00:00:00:01"), m2 = MacAddress.Parse("02:00:00:00:00:02");
        Ipv4Address ip1 = Ipv4Address.Parse("172.16.0.1"), ip2 = Ipv4Address.Parse("172.16.0.2");
        s1.AddVxlanPort(10, "vxlan0", 100, ip1, m1, ip2, m2, vni: 42);
        s2.AddVxlanPort(10, "vxlan0", 100, ip2, m2, ip1, m1, vni: 42);
        net.Connect(s1.FindPort(100)!, s2.FindPort(100)!);
        Install(s1, "in_port=1 actions=output:10\nin_port=10 actions=output:1");
        Install(s2, "in_port=1 actions=output:10\nin_port=10 actions=output:1");

        var frame = Udp("10.0.0.1", 5000, "10.0.0.2", 53);
        h1.Send(frame);
        net.Sim.Run();
        Assert.Equal(frame, Assert.Single(h2.Received));
        Assert.True(net.Sim.Now > 3 * 50_000);                  // three links of 50 µs each
        Assert.Equal(1, s2.Bridge.FindPort(10)!.RxPackets);
        Assert.Equal(0, net.Frames.Outstanding);                  // every pooled frame came back
    }

    [Fact]
    public void Vxlan_with_wrong_vni_is_not_delivered()
    {
        var net = new Network(seed: 7);
        var h2 = new Host(net, "h2");
        var s1 = new OpenFlowSwitch(net, "s1");
        var s2 = new OpenFlowSwitch(net, "s2");
        var h1 = new Host(net, "h1");
        net.Connect(h1.Ports[0], s1.AddSwitchPort(1));
        net.Connect(h2.Ports[0], s2.AddSwitchPort(1));
        MacAddress m1 = MacAddress.Parse("02:00:00:00:00:01"), m2 = MacAddress.Parse("02:00:00:00:00:02");
        Ipv4Address ip1 = Ipv4Address.Parse("172.16.0.1"), ip2 = Ipv4Address.Parse("172.16.0.2");
        s1.AddVxlanPort(10, "vxlan0", 100, ip1, m1, ip2, m2, vni: 42);
        s2.AddVxlanPort(10, "vxlan0", 100, ip2, m2, ip1, m1, vni: 43);
        net.Connect(s1.FindPort(100)!, s2.FindPort(100)!);
        Install(s1, "in_port=1 actions=output:10");
        Install(s2, "in_port=10 actions=output:1");
        h1.Send(Udp("10.0.0.1", 5000, "10.0.0.2", 53));
        net.Sim.Run();
        Assert.Empty(h2.Received);
    }

    [Fact]
    public void Patch_ports_join_bridges_and_traces_follow_into_the_peer()
    {
        var sent = new List<byte[]>();
        var a = new OpenFlowBridge("br-int", SimRandom.ForStream(1, "a"), () => 0);
        var b = new OpenFlowBridge("br-ex", SimRandom.ForStream(1, "b"), () => 0);
        a.AddPort(new BridgePort(1, "a1", BridgePortKind.System, _ => { }));
        b.AddPort(new BridgePort(2, "b2", BridgePortKind.System, f => sent.Add(f.ToArray())));
        PatchPorts.Connect(a, 9, "patch-ex", b, 9, "patch-int");
        a.AddFlows(OvsRuleFile.ParseFlows("in_port=1 actions=mod_nw_dst:10.9.9.9,output:9").Entries.Select(e => e.Entry));
        b.AddFlows(OvsRuleFile.ParseFlows("in_port=9 actions=output:2").Entries.Select(e => e.Entry));
        a.Receive(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1);
        Assert.Equal(Ipv4Address.Parse("10.9.9.9"), Flow(Assert.Single(sent)).NwDst);
        var trace = a.Trace(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1);
        Assert.Contains(trace.Passes, p => p.Bridge == "br-ex");
        Assert.Contains(trace.Outputs, o => o.Bridge == "br-ex" && o.Port == 2);
    }
}
