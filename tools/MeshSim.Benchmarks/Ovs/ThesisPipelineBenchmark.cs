using BenchmarkDotNet.Attributes;
using MeshSim.Engine;
using MeshSim.Ovs;
using MeshSim.Ovs.Datapath;
using MeshSim.Wire;

namespace MeshSim.Benchmarks.Ovs;

/// <summary>
/// Packets per second through the thesis' server-side service discovery rules (appendix A,
/// listing 1's template for three services, each backend on its own port): established TCP
/// connections to virtual IPs, forward packets DNATed by ct(commit,zone=1,nat(...)) and replies
/// un-NATed by ct(table=0,zone=1,nat) and a recirculation, in alternation.
/// </summary>
[MemoryDiagnoser]
public class ThesisPipelineBenchmark
{
    private const string Flows = """
        priority=50,tcp,in_port=1,ip_dst=192.168.1.250,tp_dst=9191,action=ct(commit,zone=1,nat(dst=192.168.1.12:20863)),mod_dl_dst:00:00:00:00:00:02,output:2
        priority=50,tcp,in_port=2,ct_state=-trk,action=ct(table=0,zone=1,nat)
        priority=50,tcp,in_port=2,ip_dst=192.168.1.11,ct_state=+est,ct_zone=1,action=output:1
        priority=50,tcp,in_port=1,ip_dst=192.168.1.250,tp_dst=9340,action=ct(commit,zone=1,nat(dst=192.168.1.13:13427)),mod_dl_dst:00:00:00:00:00:03,output:3
        priority=50,tcp,in_port=3,ct_state=-trk,action=ct(table=0,zone=1,nat)
        priority=50,tcp,in_port=3,ip_dst=192.168.1.11,ct_state=+est,ct_zone=1,action=output:1
        priority=50,tcp,in_port=1,ip_dst=192.168.1.250,tp_dst=9341,action=ct(commit,zone=1,nat(dst=192.168.1.14:19572)),mod_dl_dst:00:00:00:00:00:04,output:4
        priority=50,tcp,in_port=4,ct_state=-trk,action=ct(table=0,zone=1,nat)
        priority=50,tcp,in_port=4,ip_dst=192.168.1.11,ct_state=+est,ct_zone=1,action=output:1
        """;

    private const int Connections = 256;
    private OpenFlowBridge _bridge = null!;
    private (byte[] Frame, uint Port)[] _packets = null!;
    private long _sent;

    [Params(true, false)] public bool ExactMatchCache;

    [GlobalSetup]
    public void Setup()
    {
        _bridge = new OpenFlowBridge("s1", SimRandom.ForStream(1, "thesis-bench"), () => 0) { UseExactMatchCache = ExactMatchCache };
        for (uint p = 1; p <= 4; p++) _bridge.AddPort(new BridgePort(p, $"s1-eth{p}", BridgePortKind.System, _ => _sent++));
        _bridge.AddFlows(OvsRuleFile.ParseFlows(Flows).Entries.Select(e => e.Entry));
        var services = new (ushort VipPort, string Backend, ushort BackendPort, uint Port)[]
        {
            (9191, "192.168.1.12", 20863, 2), (9340, "192.168.1.13", 13427, 3), (9341, "192.168.1.14", 19572, 4),
        };
        var mac = MacAddress.Parse("00:00:00:00:00:01");
        var client = Ipv4Address.Parse("192.168.1.11");
        var vip = Ipv4Address.Parse("192.168.1.250");
        var packets = new List<(byte[], uint)>();
        var buf = new byte[256];
        for (int i = 0; i < Connections; i++)
        {
            var s = services[i % services.Length];
            ushort cport = (ushort)(40000 + i);
            var backend = Ipv4Address.Parse(s.Backend);
            byte[] Tcp(Ipv4Address src, ushort sp, Ipv4Address dst, ushort dp, TcpFlags f, uint seq, uint ack, int payload) =>
                buf[..FrameBuilder.Tcp(buf, new EthernetRepr(mac, mac, 0x0800), new Ipv4Repr(src, dst), new TcpRepr(sp, dp, seq, ack, f, 65535), new byte[payload])];
            _bridge.Receive(Tcp(client, cport, vip, s.VipPort, TcpFlags.Syn, 100, 0, 0), 1);
            _bridge.Receive(Tcp(backend, s.BackendPort, client, cport, TcpFlags.Syn | TcpFlags.Ack, 900, 101, 0), s.Port);
            _bridge.Receive(Tcp(client, cport, vip, s.VipPort, TcpFlags.Ack, 101, 901, 0), 1);
            packets.Add((Tcp(client, cport, vip, s.VipPort, TcpFlags.Ack | TcpFlags.Psh, 101, 901, 100), 1));
            packets.Add((Tcp(backend, s.BackendPort, client, cport, TcpFlags.Ack, 901, 101, 0), s.Port));
        }
        _packets = packets.ToArray();
    }

    [Benchmark(OperationsPerInvoke = Connections * 2)]
    public long Packets()
    {
        long before = _sent;
        foreach (var (frame, port) in _packets) _bridge.Receive(frame, port);
        return _sent - before;
    }
}
