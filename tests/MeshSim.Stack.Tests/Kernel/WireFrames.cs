using MeshSim.Wire;

namespace MeshSim.Stack.Tests.Kernel;

/// <summary>Frames between the probe and the target, built and read with MeshSim's Wire layer
/// (checksums filled and verified), the same bytes whichever target is on the other end.</summary>
internal static class WireFrames
{
    public static readonly Ipv4Address KernelIp = Ipv4Address.Parse(KernelLab.KernelIp), ProbeIp = Ipv4Address.Parse(KernelLab.ProbeIp);
    public static readonly MacAddress KernelMac = MacAddress.Parse(KernelLab.KernelMac), ProbeMac = MacAddress.Parse(KernelLab.ProbeMac);

    /// <summary>A frame from the probe to the target.</summary>
    public static byte[] FromProbe(in TcpRepr segment, ReadOnlySpan<byte> payload)
    {
        var buf = new byte[1600];
        var ip = new Ipv4Repr(ProbeIp, KernelIp, Ttl: 64, DontFragment: true);
        int n = FrameBuilder.Tcp(buf, new EthernetRepr(ProbeMac, KernelMac, EtherType.Ipv4), ip, segment, payload);
        return buf[..n];
    }

    /// <summary>Reads a frame the target sent; null when it is not a valid IPv4/TCP frame to the probe.</summary>
    public static Seen? Read(long atNs, byte[] frame)
    {
        if (!EthernetView.TryCreate(frame, out var eth, out _) || eth.EtherType != EtherType.Ipv4) return null;
        if (!Ipv4View.TryCreate(eth.Payload, out var ip, out _) || ip.Protocol != IpProtocol.Tcp || ip.Destination != ProbeIp) return null;
        if (!TcpView.TryCreate(ip.Payload, out var tcp, out _)) return null;
        if (!TcpRepr.TryParse(tcp, ip.Source, ip.Destination, ChecksumMode.Verify, out var repr, out var error))
            throw new InvalidOperationException($"target sent a bad segment: {error}");
        return new Seen(atNs, repr, tcp.Options.ToArray(), tcp.Payload.Length);
    }
}
