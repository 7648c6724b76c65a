using MeshSim.Engine;
using MeshSim.Stack;
using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;
using MeshSim.Stack.Testing;
using MeshSim.Wire;

namespace MeshSim.Benchmarks.Stack;

/// <summary>
/// The ns-3 comparison scenario (tools/ns3/stack-compare.cc is the ns-3 side): 4 hosts, each on a
/// 1 Gbit/s, 100 us link to one learning bridge; bulk TCP h1 -> h3 and h2 -> h4 for the given
/// simulated time. Senders keep their send buffer full and receivers drain through callbacks, so
/// the applications add no allocation per segment.
/// </summary>
public sealed class BulkTcpScenario
{
    private static readonly byte[] Chunk = new byte[64 * 1024];
    private readonly byte[] _drain = new byte[64 * 1024];

    /// <summary>Builds the network and starts the flows at time 0.</summary>
    public BulkTcpScenario(ulong seed = 1)
    {
        Net = new Network(seed);
        var bridge = new LearningBridge(Net, "s1", 4);
        for (int i = 1; i <= 4; i++)
        {
            var h = new Host(Net, $"h{i}");
            h.AddInterface(new MacAddress(0x0200_0000_0000UL + (ulong)i), new Ipv4Address(0x0A00_0000u + (uint)i), 24);
            Net.Connect(h.Ports[0], bridge.Ports[i - 1], new LinkOptions(LatencyNs: 100_000, BitsPerSecond: 1_000_000_000, QueueFrames: 1000));
            Hosts.Add(h);
        }
        for (int f = 0; f < 2; f++) StartFlow(Hosts[f], Hosts[f + 2], (ushort)(5000 + f));
    }

    /// <summary>The network.</summary>
    public Network Net { get; }
    /// <summary>h1..h4.</summary>
    public List<Host> Hosts { get; } = new();
    /// <summary>Payload bytes delivered to the receivers.</summary>
    public long BytesReceived { get; private set; }

    /// <summary>Frames put on any link so far (each hop counts, as ns-3's PhyTxBegin does).</summary>
    public long LinkFrames => Net.Links.Sum(l => l.A.TxPackets + l.B.TxPackets);

    private void StartFlow(Host from, Host to, ushort port)
    {
        var listener = to.Listen(port);
        Net.Sim.Spawn(async () =>
        {
            var s = await listener.AcceptAsync();
            s.DataAvailable = Drain;
            Drain(s);
        });
        Net.Sim.Spawn(async () =>
        {
            var c = await from.ConnectAsync(to.Address, port);
            c.SendSpaceAvailable = Fill;
            Fill(c);
        });
    }

    private void Drain(TcpSocket s)
    {
        int n;
        while ((n = s.TryReceive(_drain)) > 0) BytesReceived += n;
    }

    private static void Fill(TcpSocket s)
    {
        while (s.TrySend(Chunk) > 0) { }
    }

    /// <summary>Runs until <paramref name="simulatedNs"/>.</summary>
    public void Run(long simulatedNs = SimTime.Second) => Net.Sim.RunUntil(simulatedNs);
}
