using System.Buffers.Binary;
using MeshSim.Engine;
using MeshSim.Ovs.Datapath;
using MeshSim.Wire;

namespace MeshSim.Ovs.Switch;

/// <summary>
/// An Open vSwitch in the simulator: one <see cref="OpenFlowBridge"/> whose OpenFlow ports are the
/// node's engine ports (same numbers), plus VXLAN tunnel ports that carry frames to a remote
/// switch over an underlay port (the thesis' Kubernetes design joins nodes this way) and patch
/// ports to other switches' bridges.
/// </summary>
public sealed class OpenFlowSwitch : Node
{
    private readonly Dictionary<uint, VxlanTunnel> _tunnelsByPort = new();
    private readonly Dictionary<uint, List<VxlanTunnel>> _tunnelsByUnderlay = new();
    private readonly byte[] _encap = new byte[Frame.MaxLength];

    /// <summary>Creates a switch node named <paramref name="name"/> (also the bridge name).</summary>
    public OpenFlowSwitch(Network network, string name) : base(network, name)
    {
        Bridge = new OpenFlowBridge(name, network.Sim.Random($"ovs/{name}/conntrack"), () => network.Sim.Now);
    }

    /// <summary>The bridge (flows, groups, conntrack, stats).</summary>
    public OpenFlowBridge Bridge { get; }

    /// <summary>Adds an OpenFlow port backed by an engine port with the same number.</summary>
    public Port AddSwitchPort(uint number, string? name = null)
    {
        var port = AddPort(number, name);
        Bridge.AddPort(new BridgePort(number, port.Name, BridgePortKind.System, frame => Transmit(port, frame), () => port.IsLive));
        return port;
    }

    /// <summary>Adds VXLAN port <paramref name="number"/> (options:remote_ip, options:key) that
    /// encapsulates towards <paramref name="remoteIp"/> through engine port <paramref name="underlayPort"/>
    /// (created if missing; not an OpenFlow port). Frames arriving there for our address and this
    /// VNI from that remote enter the bridge on <paramref name="number"/>.</summary>
    public void AddVxlanPort(uint number, string name, uint underlayPort, Ipv4Address localIp, MacAddress localMac,
                             Ipv4Address remoteIp, MacAddress nextHopMac, uint vni)
    {
        var underlay = FindPort(underlayPort) ?? AddPort(underlayPort, $"{Name}-underlay{underlayPort}");
        var t = new VxlanTunnel(number, underlay, localIp, localMac, remoteIp, nextHopMac, vni);
        _tunnelsByPort[number] = t;
        if (!_tunnelsByUnderlay.TryGetValue(underlayPort, out var list)) _tunnelsByUnderlay[underlayPort] = list = new();
        list.Add(t);
        Bridge.AddPort(new BridgePort(number, name, BridgePortKind.Vxlan, frame => Encapsulate(t, frame), () => underlay.IsLive));
    }

    /// <inheritdoc/>
    protected override void Receive(Port port, Frame frame)
    {
        if (_tunnelsByUnderlay.TryGetValue(port.Number, out var tunnels))
        {
            if (TryDecapsulate(frame.Data, tunnels, out var tunnel, out int innerOffset))
                Bridge.Receive(frame.Data[innerOffset..], tunnel.Port);
            else Network.NotifyDropped(port, frame.Data, DropReason.NoLink, "not VXLAN for this switch");
            frame.Release();
            return;
        }
        Bridge.Receive(frame.Data, port.Number);
        frame.Release();
    }

    /// <inheritdoc/>
    protected override void OnPortStateChanged(Port port) { }   // liveness is read live by fast_failover

    private void Transmit(Port port, ReadOnlySpan<byte> bytes)
    {
        var f = Network.Frames.Rent(bytes);
        f.Id = Network.NextFrameId();
        port.Send(f);
    }

    private void Encapsulate(VxlanTunnel t, ReadOnlySpan<byte> inner)
    {
        // UDP source port from a hash of the inner frame's addresses (RFC 7348 §5 entropy), stable per flow.
        uint h = 2166136261;
        foreach (var b in inner[..Math.Min(inner.Length, 38)]) h = (h ^ b) * 16777619;
        ushort sport = (ushort)(49152 + h % 16384);
        int n = FrameBuilder.Vxlan(_encap, new EthernetRepr(t.LocalMac, t.NextHopMac, 0x0800),
            new Ipv4Repr(t.LocalIp, t.RemoteIp, Ttl: 64, DontFragment: true), sport, t.Vni, inner);
        Transmit(t.Underlay, _encap.AsSpan(0, n));
    }

    private static bool TryDecapsulate(ReadOnlySpan<byte> frame, List<VxlanTunnel> tunnels, out VxlanTunnel tunnel, out int innerOffset)
    {
        tunnel = null!;
        innerOffset = 0;
        if (frame.Length < 14 + 20 + 8 + 8 + 14) return false;
        if (BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != 0x0800) return false;
        var ip = frame[14..];
        int ihl = (ip[0] & 0x0F) * 4;
        if (ip[9] != 17 || ihl < 20 || frame.Length < 14 + ihl + 16 + 14) return false;
        uint src = BinaryPrimitives.ReadUInt32BigEndian(ip[12..]), dst = BinaryPrimitives.ReadUInt32BigEndian(ip[16..]);
        var udp = ip[ihl..];
        if (BinaryPrimitives.ReadUInt16BigEndian(udp[2..]) != UdpRepr.VxlanPort) return false;
        var vx = udp[8..];
        if ((vx[0] & 0x08) == 0) return false;
        uint vni = (uint)(vx[4] << 16 | vx[5] << 8 | vx[6]);
        foreach (var t in tunnels)
        {
            if (t.RemoteIp.Value == src && t.LocalIp.Value == dst && t.Vni == vni)
            {
                tunnel = t;
                innerOffset = 14 + ihl + 16;
                return true;
            }
        }
        return false;
    }

    private sealed record VxlanTunnel(uint Port, Port Underlay, Ipv4Address LocalIp, MacAddress LocalMac, Ipv4Address RemoteIp, MacAddress NextHopMac, uint Vni);
}
