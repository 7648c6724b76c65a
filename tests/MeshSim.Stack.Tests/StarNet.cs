using MeshSim.Engine;
using MeshSim.Stack;
using MeshSim.Stack.Testing;
using MeshSim.Wire;

namespace MeshSim.Stack.Tests;

/// <summary>n hosts h1..hn (10.0.0.i/24, MAC 02:00:00:00:00:0i) on one learning bridge, or two
/// hosts on a direct link.</summary>
internal sealed class StarNet
{
    public Network Net { get; }
    public List<Host> Hosts { get; } = new();
    public LearningBridge? Bridge { get; }
    public List<Link> Links { get; } = new();

    public StarNet(int hosts, LinkOptions? link = null, ulong seed = 1, HostOptions? options = null, bool direct = false)
    {
        Net = new Network(seed);
        for (int i = 1; i <= hosts; i++)
        {
            var h = new Host(Net, $"h{i}", options);
            h.AddInterface(new MacAddress(0x0200_0000_0000UL + (ulong)i), new Ipv4Address(0x0A00_0000u + (uint)i), 24);
            Hosts.Add(h);
        }
        if (direct)
        {
            if (hosts != 2) throw new ArgumentException("a direct link joins exactly two hosts");
            Links.Add(Net.Connect(Hosts[0].Ports[0], Hosts[1].Ports[0], link));
            return;
        }
        Bridge = new LearningBridge(Net, "s1", hosts);
        for (int i = 0; i < hosts; i++) Links.Add(Net.Connect(Hosts[i].Ports[0], Bridge.Ports[i], link));
    }

    public Host this[int oneBased] => Hosts[oneBased - 1];
    public Simulator Sim => Net.Sim;
}
