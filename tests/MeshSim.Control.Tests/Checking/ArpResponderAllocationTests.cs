using MeshSim.Control.Checking;
using MeshSim.Control.Compiler;
using MeshSim.Control.Samples;
using MeshSim.Engine;
using MeshSim.Ovs.Datapath;
using MeshSim.Wire;

namespace MeshSim.Control.Tests.Checking;

/// <summary>
/// The compiled ARP responder (load and move actions rewriting the request into a reply) runs in the
/// OVS model without allocating per packet. Each `load` used to make a SetFieldAction per packet.
/// </summary>
public class ArpResponderAllocationTests
{
    [Fact]
    public void Answering_arp_for_the_virtual_ip_allocates_nothing_per_packet()
    {
        var compiled = MeshCompiler.Compile(ThesisLab.Registry(), ThesisLab.Topology(), MeshOptions.ThesisLab);
        var ovs = new OpenFlowBridge("s1", SimRandom.ForStream(1, "arp"), () => 0);
        long sent = 0;
        for (uint p = 1; p <= 3; p++) ovs.AddPort(new BridgePort(p, $"s1-eth{p}", BridgePortKind.System, f => { sent++; }));
        SimulatorSink.Install(compiled.For("s1"), ovs);
        var buf = new byte[2048];
        var h1 = ThesisLab.Topology().FindHost("H1")!;
        var arp = buf[..FrameBuilder.ArpRequest(buf, h1.Mac, h1.Ip, MeshOptions.ThesisLab.VirtualIp)];
        for (int i = 0; i < 2000; i++) ovs.Receive(arp, 1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) ovs.Receive(arp, 1);
        long per = (GC.GetAllocatedBytesForCurrentThread() - before) / 1000;
        Assert.Equal(3000, sent);   // every request answered, out of its in_port
        Assert.True(per == 0, $"{per} B per ARP packet");
    }
}
