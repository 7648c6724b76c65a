using System.Text;
using MeshSim.Control.Simulation;
using MeshSim.Control.Checking;
using MeshSim.Control.Compiler;
using MeshSim.Control.P4;
using MeshSim.Control.Registry;
using MeshSim.Control.Samples;
using MeshSim.Engine;
using MeshSim.Ovs.Datapath;
using MeshSim.P4.Execution;
using MeshSim.P4.Programs;
using MeshSim.P4.Simulation;
using MeshSim.Wire;

namespace MeshSim.Benchmarks.P4;

/// <summary>
/// Switch s1 of the thesis lab (instances on the ports their clients bind; product-api on H2 with
/// weight 1 and on H3 with weight 3) as both targets compile it from one registry: an OpenFlow
/// bridge with <see cref="MeshCompiler"/>'s rules and a v1model switch running mesh.p4 with
/// <see cref="P4MeshCompiler"/>'s entries, plus two L7 rules and circuit breakers (the P4 target has
/// no registry source for those yet). Frames for each path are built once; connections are set up
/// through both switches (handshake for OVS conntrack, first packet pins for P4), and the backend
/// each switch chose is read from its egress so replies come from the right instance.
/// </summary>
internal sealed class MeshPathWorkload
{
    public const int Connections = 256;
    private static readonly MacAddress H1Mac = MacAddress.Parse("00:00:00:00:00:01");
    private static readonly Ipv4Address H1 = Ipv4Address.Parse("192.168.1.11"), Vip = MeshOptions.ThesisLab.VirtualIp;
    private const ushort ProductPort = 9341;

    public OpenFlowBridge Ovs { get; }
    public V1Switch P4 { get; }
    public EgressPackets P4Out { get; } = new();
    public long OvsSent;
    private Ipv4Address _lastOvsDst;

    public byte[][] ArpForVip { get; }
    public byte[][] VipData { get; } = new byte[Connections][];
    public byte[][] L7Requests { get; } = new byte[Connections][];
    /// <summary>Replies per target: each comes from the instance that target chose.</summary>
    public (byte[] Frame, uint Port)[] OvsReplies { get; } = new (byte[], uint)[Connections];
    public (byte[] Frame, uint Port)[] P4Replies { get; } = new (byte[], uint)[Connections];
    public (byte[] Frame, uint Port)[] OvsMeshResponses { get; } = new (byte[], uint)[Connections];
    public (byte[] Frame, uint Port)[] P4MeshResponses { get; } = new (byte[], uint)[Connections];

    public MeshPathWorkload()
    {
        var t = ThesisLab.Topology();
        var lab = ThesisLabOnP4.Registry();
        ServiceInstance On(string id, string node, ushort weight) => new(id, node, t.FindHost(node)!.Ip, ProductPort, t.FindHost(node)!.Mac, [], weight);
        var product = lab.Find("product-api")! with { Instances = [On("p-w1", "H2", 1), On("p-w3", "H3", 3)] };
        var reg = new ServiceRegistry(lab.Services.Select(s => s.Name == "product-api" ? product : s));

        Ovs = new OpenFlowBridge("s1", SimRandom.ForStream(1, "mesh-paths"), () => 0);
        for (uint p = 1; p <= 3; p++) Ovs.AddPort(new BridgePort(p, $"s1-eth{p}", BridgePortKind.System, f => { OvsSent++; _lastOvsDst = DstIp(f); }));
        SimulatorSink.Install(MeshCompiler.Compile(reg, t, MeshOptions.ThesisLab).For("s1"), Ovs);

        var p4 = P4MeshCompiler.Compile(reg, t, MeshOptions.ThesisLab);
        var sw = new P4Switch(new Network(), "s1", MeshFabric.LoadMeshProgram(), 3);
        MeshFabric.Install(sw, p4.For("s1"));
        // H1's binding of the product port: "table_add vip set_vip <vip> 6 <port> <client> => <id>".
        string h1Product = p4.For("s1").Commands.Single(c => c.StartsWith($"table_add vip set_vip {Vip} 6 {ProductPort} {H1} => ", StringComparison.Ordinal));
        int vipId = int.Parse(h1Product[(h1Product.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var extra = new MeshCommands()
            .HeaderRoute(vipId, "x-canary", "true", subset: 0, priority: 10)
            .RouteRule(vipId, method: 5, "/admin", subset: null, priority: 20);
        foreach (var i in product.Instances) extra.CircuitBreaker(i.Address.ToString(), p4.BackendIds[i.Id], threshold: 5, cooldownUs: 1_000_000);
        foreach (var line in extra.Lines)
            if (!sw.Cli.Execute(line).Ok) throw new InvalidOperationException($"bench setup: {line}: {sw.Cli.Execute(line).Output}");
        P4 = sw.Pipeline;

        var ports = t.Hosts.ToDictionary(h => h.Ip, h => t.PortTowards("s1", h)!.Value);
        var buf = new byte[2048];
        ArpForVip = [buf[..FrameBuilder.ArpRequest(buf, H1Mac, H1, Vip)]];
        for (int i = 0; i < Connections; i++)
        {
            ushort cport = (ushort)(40000 + i);
            byte[] Tcp(Ipv4Address src, ushort sp, Ipv4Address dst, ushort dp, TcpFlags f, uint seq, uint ack, ReadOnlySpan<byte> payload) =>
                buf[..FrameBuilder.Tcp(buf, new EthernetRepr(H1Mac, MeshOptions.ThesisLab.VirtualMac, EtherType.Ipv4), new Ipv4Repr(src, dst), new TcpRepr(sp, dp, seq, ack, f, 65535), payload)];
            var syn = Tcp(H1, cport, Vip, ProductPort, TcpFlags.Syn, 100, 0, default);
            Ovs.Receive(syn, 1);
            var ovsBackend = _lastOvsDst;
            P4.Process(syn, 1, P4Out);
            var p4Backend = DstIp(P4Out.Frame(0));
            Ovs.Receive(Tcp(ovsBackend, ProductPort, H1, cport, TcpFlags.Syn | TcpFlags.Ack, 900, 101, default), ports[ovsBackend]);
            Ovs.Receive(Tcp(H1, cport, Vip, ProductPort, TcpFlags.Ack, 101, 901, default), 1);
            VipData[i] = Tcp(H1, cport, Vip, ProductPort, TcpFlags.Ack | TcpFlags.Psh, 101, 901, new byte[100]);
            L7Requests[i] = Tcp(H1, cport, Vip, ProductPort, TcpFlags.Ack | TcpFlags.Psh, 101, 901,
                MeshRequest(i % 4 == 0 ? "POST" : "GET", i % 2 == 0 ? "/api/items" : "/api/cart", i % 10 == 0));
            var reply = new byte[100];
            OvsReplies[i] = (Tcp(ovsBackend, ProductPort, H1, cport, TcpFlags.Ack | TcpFlags.Psh, 901, 201, reply), ports[ovsBackend]);
            P4Replies[i] = (Tcp(p4Backend, ProductPort, H1, cport, TcpFlags.Ack | TcpFlags.Psh, 901, 201, reply), ports[p4Backend]);
            var status = i % 4 == 0 ? 503 : 200;     // never 5 in a row: measures counting, not a tripped breaker
            OvsMeshResponses[i] = (Tcp(ovsBackend, ProductPort, H1, cport, TcpFlags.Ack | TcpFlags.Psh, 901, 201, MeshResponse(status)), ports[ovsBackend]);
            P4MeshResponses[i] = (Tcp(p4Backend, ProductPort, H1, cport, TcpFlags.Ack | TcpFlags.Psh, 901, 201, MeshResponse(status)), ports[p4Backend]);
        }
    }

    /// <summary>Runs every frame through the OpenFlow bridge; returns frames sent.</summary>
    public long RunOvs(byte[][] frames, uint port)
    {
        long before = OvsSent;
        foreach (var f in frames) Ovs.Receive(f, port);
        return OvsSent - before;
    }

    public long RunOvs((byte[] Frame, uint Port)[] frames)
    {
        long before = OvsSent;
        foreach (var (f, p) in frames) Ovs.Receive(f, p);
        return OvsSent - before;
    }

    /// <summary>Runs every frame through the P4 switch; returns egress packets.</summary>
    public long RunP4(byte[][] frames, uint port)
    {
        long n = 0;
        foreach (var f in frames) { P4.Process(f, port, P4Out); n += P4Out.Count; }
        return n;
    }

    public long RunP4((byte[] Frame, uint Port)[] frames)
    {
        long n = 0;
        foreach (var (f, p) in frames) { P4.Process(f, p, P4Out); n += P4Out.Count; }
        return n;
    }

    private static Ipv4Address DstIp(ReadOnlySpan<byte> frame) => new(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(frame[30..]));

    private static byte[] MeshRequest(string method, string route, bool canary)
    {
        var repr = canary ? MeshHeaderRepr.Request(method, route, new KeyValuePair<string, string>("x-canary", "true")) : MeshHeaderRepr.Request(method, route);
        return [.. Emit(repr), .. Encoding.ASCII.GetBytes($"{method} {route} HTTP/1.1\r\nHost: svc\r\n\r\n")];
    }

    private static byte[] MeshResponse(int status) => [.. Emit(MeshHeaderRepr.Response(status)), .. Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")];

    private static byte[] Emit(MeshHeaderRepr repr)
    {
        var b = new byte[repr.BufferLength];
        repr.TryEmit(b, out var n, out _);
        return b[..n];
    }
}
