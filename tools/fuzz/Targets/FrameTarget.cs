using MeshSim.Io.Pcap;
using MeshSim.Wire;

namespace MeshSim.Fuzz.Targets;

/// <summary>Raw frames through every wire view and repr, the flow extractor and the describer
/// (smoltcp's packet_parser target). Views answer with error values; nothing may throw.</summary>
public sealed class FrameTarget : FuzzTarget
{
    /// <inheritdoc/>
    public override string Name => "frame";
    /// <inheritdoc/>
    public override string Description => "Ethernet frames through the wire views, reprs, flow extractor and describer";
    /// <inheritdoc/>
    public override bool Binary => true;

    /// <inheritdoc/>
    public override IEnumerable<byte[]> Seeds(RepoFiles repo) =>
        repo.Files("pcaps", ".pcap").SelectMany(f => CaptureReader.Read(f).Frames.Take(64).Select(x => x.Data));

    /// <inheritdoc/>
    public override string Run(byte[] input)
    {
        var key = default(FlowKey);
        var counters = default(ExtractCounters);
        FlowExtractor.Extract(input, 1, ref key, ref counters);
        _ = FrameText.Describe(input);
        _ = FlowKeyText.Format(key);
        if (key.L3Offset != FlowKey.Absent && key.L3Offset >= input.Length) throw new InvalidOperationException("L3 offset beyond the frame");
        if (key.L4Offset != FlowKey.Absent && key.L4Offset > input.Length) throw new InvalidOperationException("L4 offset beyond the frame");
        int depth = 0;
        var buf = input.AsSpan();
        if (!EthernetView.TryCreate(buf, out var eth, out var e0)) return "eth " + e0.Kind;
        depth++;
        _ = (eth.Source, eth.Destination, eth.VlanTci, eth.EtherType, eth.ToString());
        EthernetRepr.TryParse(eth, out _, out _);
        if (ArpView.TryCreate(eth.Payload, out var arp, out _)) { _ = arp.ToString(); ArpRepr.TryParse(arp, out _, out _); }
        if (VxlanView.TryCreate(eth.Payload, out var vx, out _)) { _ = vx.ToString(); VxlanRepr.TryParse(vx, out _, out _); }
        if (!Ipv4View.TryCreate(eth.Payload, out var ip, out var e1)) return "ip " + e1.Kind;
        depth++;
        _ = (ip.Options.Length, ip.ToString(), ip.VerifyChecksum());
        foreach (var mode in new[] { ChecksumMode.Verify, ChecksumMode.Ignore })
        {
            Ipv4Repr.TryParse(ip, mode, out _, out _);
            if (IcmpV4View.TryCreate(ip.Payload, out var icmp, out _)) { _ = icmp.ToString(); IcmpV4Repr.TryParse(icmp, mode, out _, out _); depth++; }
            if (TcpView.TryCreate(ip.Payload, out var tcp, out _)) { _ = tcp.ToString(); TcpRepr.TryParse(tcp, ip.Source, ip.Destination, mode, out _, out _); depth++; }
            if (UdpView.TryCreate(ip.Payload, out var udp, out _)) { _ = udp.ToString(); UdpRepr.TryParse(udp, ip.Source, ip.Destination, mode, out _, out _); depth++; }
        }
        return $"depth {depth} anomalies {counters.Anomalies > 0}";
    }
}
