using BenchmarkDotNet.Attributes;
using MeshSim.Wire;
using PacketDotNet;

namespace MeshSim.Benchmarks.Wire;

/// <summary>
/// Flow-key extraction per frame: MeshSim's <see cref="FlowExtractor"/> against PacketDotNet's
/// <c>Packet.ParsePacket</c> (the object-graph parser MeshSim keeps for the edges), on the same
/// captured frames. Each invocation walks the whole frame set; results are returned so the JIT
/// cannot drop the work.
/// Run: dotnet run -c Release --project tools/MeshSim.Benchmarks -- --filter '*FlowKeyExtraction*' --job short
/// </summary>
[MemoryDiagnoser, MinColumn, MedianColumn]
public class FlowKeyExtraction
{
    private const int Frames = 30;                         // both wire-*.pcap captures
    private byte[][] _frames = null!;

    /// <summary>"mixed": all 30 captured frames in capture order (ARP, ICMP, VLAN, VXLAN, fragments,
    /// TCP, UDP); "tcp": the captured TCP segments only, cycled to 30 — the steady state of a mesh.</summary>
    [Params("mixed", "tcp")]
    public string Traffic { get; set; } = "mixed";

    [GlobalSetup]
    public void Setup()
    {
        var all = CapturedFrames.Load();
        if (all.Length != Frames) throw new InvalidOperationException($"expected {Frames} captured frames, found {all.Length}");
        var tcp = all.Where(f => f.Length > 34 && f[12] == 0x08 && f[13] == 0x00 && f[23] == 6).ToArray();
        _frames = Traffic == "tcp" ? Enumerable.Range(0, Frames).Select(i => tcp[i % tcp.Length]).ToArray() : all;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Frames)]
    public int PacketDotNet_ParsePacket()
    {
        int n = 0;
        foreach (var f in _frames)
            if (Packet.ParsePacket(LinkLayers.Ethernet, f) is not null) n++;
        return n;
    }

    /// <summary>ParsePacket plus reading the fields a switch classifies on: closer to equal work.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public int PacketDotNet_ParsePacket_and_read_fields()
    {
        int sum = 0;
        foreach (var f in _frames)
        {
            var packet = Packet.ParsePacket(LinkLayers.Ethernet, f);
            if (packet is EthernetPacket eth) sum += (int)eth.Type + eth.SourceHardwareAddress.GetHashCode();
            if (packet.Extract<IPv4Packet>() is { } ip) sum += ip.TimeToLive + (int)ip.Protocol + ip.SourceAddress.GetHashCode();
            if (packet.Extract<TcpPacket>() is { } tcp) sum += tcp.SourcePort + tcp.DestinationPort + tcp.Flags;
            else if (packet.Extract<UdpPacket>() is { } udp) sum += udp.SourcePort + udp.DestinationPort;
            else if (packet.Extract<ArpPacket>() is { } arp) sum += (int)arp.Operation;
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public int MeshSim_FlowExtractor()
    {
        var key = default(FlowKey);
        var counters = default(ExtractCounters);
        int sum = 0;
        foreach (var f in _frames)
        {
            FlowExtractor.Extract(f, 1, ref key, ref counters);
            sum += key.TpSrc + key.NwProto;
        }
        return sum;
    }
}
