using MeshSim.Engine;
using MeshSim.Stack.Iface;
using MeshSim.Stack.Sockets;
using MeshSim.Wire;

namespace MeshSim.Stack;

// UDP: port binding, delivery, ICMP port unreachable for closed ports.
public sealed partial class Host
{
    private readonly Dictionary<ushort, UdpSocket> _udp = new();

    /// <summary>Binds a UDP socket to <paramref name="port"/>.</summary>
    public UdpSocket BindUdp(ushort port)
    {
        if (port == 0) throw new ArgumentOutOfRangeException(nameof(port), "UDP port 0 cannot be bound");
        if (_udp.ContainsKey(port)) throw new InvalidOperationException($"{Name}: UDP port {port} is already bound");
        var s = new UdpSocket(this, port);
        _udp.Add(port, s);
        return s;
    }

    internal void UnbindUdp(UdpSocket s) => _udp.Remove(s.Port);

    private void UdpInput(NetInterface iface, Frame frame, Ipv4View ip)
    {
        if (!UdpView.TryCreate(ip.Payload, out var view, out var err) ||
            !UdpRepr.TryParse(view, ip.Source, ip.Destination, ChecksumMode.Verify, out var udp, out err))
        {
            Drop(iface.Port, frame, ref (err.Kind == WireErrorKind.BadField && err.Field == "udp.checksum" ? ref Counters.BadChecksum : ref Counters.Malformed),
                 err.At(14 + ip.HeaderLength).ToString());
            return;
        }
        if (_udp.TryGetValue(udp.DestinationPort, out var socket))
        {
            if (!socket.Deliver(ip.Source, udp.SourcePort, view.Payload, Options.UdpQueueDatagrams))
                Drop(iface.Port, frame, ref Counters.UdpQueueFull, $"UDP port {udp.DestinationPort} queue full");
            return;
        }
        if (ip.Destination == Ipv4Address.Broadcast || ip.Destination == iface.SubnetBroadcast) return; // never answer broadcasts
        Counters.UdpPortUnreachable++;
        SendUnreachable(ip, IcmpV4Unreachable.Port);
    }

    internal void SendUdp(ushort sourcePort, Ipv4Address destination, ushort port, ReadOnlySpan<byte> payload)
    {
        if (!TryRoute(destination, out var iface, out var nextHop)) { Counters.NoRoute++; return; }
        if (payload.Length > iface.Mtu - 28) throw new ArgumentException($"UDP payload of {payload.Length} bytes exceeds MTU {iface.Mtu} minus 28 (no fragmentation)");
        var mac = PreResolve(iface, nextHop);
        var frame = RentFrame();
        var ip = new Ipv4Repr(iface.Address, destination, Ttl: Options.DefaultTtl, Identification: NextIpId());
        frame.Length = FrameBuilder.Udp(frame.Buffer, new EthernetRepr(iface.Mac, mac, EtherType.Ipv4), ip,
                                        new UdpRepr(sourcePort, port, payload.Length), payload);
        Transmit(iface, nextHop, frame, mac);
    }
}
