using MeshSim.Engine;
using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;
using MeshSim.Wire;

namespace MeshSim.Stack.Tests.Kernel;

/// <summary>A MeshSim host with the kernel's address and MAC, running the same application, wired
/// to a probe node over a 50 µs link (about a veth's delay). Virtual time: waits run the simulator.</summary>
internal sealed class SimTarget : ITcpTarget
{
    private readonly Network _net = new(seed: 17);
    private readonly ProbeNode _probe;

    /// <summary>The TCP configuration the host runs with: MeshSim's defaults, except a 6 MiB
    /// receive buffer, whose window scale (7) is the one Linux derives from its default tcp_rmem.</summary>
    public static readonly TcpConfig Config = new() { ReceiveBufferBytes = 6 << 20 };

    public SimTarget(TargetApp app, ushort port, int bytes = 0)
    {
        var host = new Host(_net, "target", new HostOptions { Tcp = Config });
        host.AddInterface(WireFrames.KernelMac, WireFrames.KernelIp, 24);
        host.Interfaces[0].Arp.AddStatic(WireFrames.ProbeIp, WireFrames.ProbeMac);
        _probe = new ProbeNode(_net);
        _net.Connect(host.Ports[0], _probe.Port, new LinkOptions(LatencyNs: 50_000));
        var held = new List<TcpSocket>();
        switch (app)
        {
            case TargetApp.ListenHold or TargetApp.ListenSend or TargetApp.ListenClose:
                var listener = host.Listen(port);
                _net.Sim.Spawn(async () =>
                {
                    while (true)
                    {
                        var s = await listener.AcceptAsync();
                        held.Add(s);
                        if (app == TargetApp.ListenSend) await s.SendAsync(new byte[bytes]);
                        else if (app == TargetApp.ListenClose) s.Close();
                    }
                });
                break;
            case TargetApp.Connect:
                _net.Sim.Spawn(async () =>
                {
                    try { held.Add(await host.ConnectAsync(WireFrames.ProbeIp, port)); }
                    catch (TcpException) { }           // refused or timed out: the probe decides
                });
                break;
        }
        _net.Sim.RunUntil(_net.Sim.Now);
    }

    public string Name => "meshsim";

    public void Send(in TcpRepr segment, ReadOnlySpan<byte> payload) => _probe.Send(WireFrames.FromProbe(segment, payload));

    public Seen? Next(long timeoutNs)
    {
        long deadline = _net.Sim.Now + timeoutNs;
        while (_probe.Received.Count == 0 && _net.Sim.Now < deadline)
            _net.Sim.RunUntil(Math.Min(deadline, _net.Sim.Now + 100_000));
        return _probe.Received.Count == 0 ? null : _probe.Received.Dequeue();
    }

    public List<Seen> Collect(long durationNs)
    {
        _net.Sim.RunUntil(_net.Sim.Now + durationNs);
        var all = _probe.Received.ToList();
        _probe.Received.Clear();
        return all;
    }

    public string Diagnose() => $"virtual time {_net.Sim.Now} ns";

    public void Dispose() { }

    private sealed class ProbeNode : Node
    {
        public ProbeNode(Network net) : base(net, "probe") => Port = AddPort(1);
        public Port Port { get; }
        public Queue<Seen> Received { get; } = new();

        public void Send(byte[] frame) => Port.Send(Network.Frames.Rent(frame));

        protected override void Receive(Port port, Frame frame)
        {
            if (WireFrames.Read(Sim.Now, frame.Data.ToArray()) is { } s) Received.Enqueue(s);
            frame.Release();
        }
    }
}
