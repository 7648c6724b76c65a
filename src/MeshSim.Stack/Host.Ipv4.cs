using MeshSim.Engine;
using MeshSim.Stack.Iface;
using MeshSim.Wire;

namespace MeshSim.Stack;

// IPv4 input (validation, local delivery, protocol dispatch) and output (route, resolve, send).
public sealed partial class Host
{
    private void Ipv4Input(NetInterface iface, Frame frame, Span<byte> packet)
    {
        if (!Ipv4View.TryCreate(packet, out var ip, out var err)) { Drop(iface.Port, frame, ref Counters.Malformed, err.At(14).ToString()); return; }
        if (!ip.VerifyChecksum()) { Drop(iface.Port, frame, ref Counters.BadChecksum, "bad IPv4 header checksum"); return; }
        var dst = ip.Destination;
        if (dst != iface.Address && dst != Ipv4Address.Broadcast && dst != iface.SubnetBroadcast && !IsLocalAddress(dst))
        {
            Drop(iface.Port, frame, ref Counters.NotForUs, $"IPv4 destination {dst} is not local (hosts do not forward)");
            return;
        }
        if (ip.IsFragment) { Drop(iface.Port, frame, ref Counters.Fragments, $"IPv4 fragment id={ip.Identification} offset={ip.FragmentOffset} (no reassembly)"); return; }
        if (ip.Ttl == 0) { Drop(iface.Port, frame, ref Counters.TtlExpired, "IPv4 TTL 0"); return; }
        switch (ip.Protocol)
        {
            case IpProtocol.Tcp: TcpInput(iface, frame, ip); break;
            case IpProtocol.Udp: UdpInput(iface, frame, ip); break;
            case IpProtocol.Icmp: IcmpInput(iface, frame, ip); break;
            default: Drop(iface.Port, frame, ref Counters.UnknownProtocol, $"IP protocol {ip.Protocol} not handled"); break;
        }
    }

    /// <summary>Finds the interface and next hop for <paramref name="destination"/>.</summary>
    internal bool TryRoute(Ipv4Address destination, out NetInterface iface, out Ipv4Address nextHop)
    {
        var route = Routes.Lookup(destination);
        if (route is null) { iface = null!; nextHop = default; return false; }
        iface = route.Interface;
        nextHop = route.Gateway ?? destination;
        return true;
    }

    /// <summary>Rents a frame for an outgoing packet; the caller builds it with FrameBuilder and
    /// passes it to <see cref="Transmit"/>.</summary>
    private Frame RentFrame()
    {
        var f = Network.Frames.Rent();
        f.Id = Network.NextFrameId();
        return f;
    }

    /// <summary>Destination MAC to build with: the resolved one, broadcast, or a placeholder that
    /// <see cref="Transmit"/> fills in when ARP answers.</summary>
    private MacAddress PreResolve(NetInterface iface, Ipv4Address nextHop)
    {
        if (nextHop == Ipv4Address.Broadcast || nextHop == iface.SubnetBroadcast) return MacAddress.Broadcast;
        return iface.Arp.TryLookup(nextHop, Sim.Now, out var mac) ? mac : default;
    }

    /// <summary>Sends a built frame to <paramref name="nextHop"/>, parking it behind an ARP request
    /// when the neighbour is not yet known.</summary>
    private void Transmit(NetInterface iface, Ipv4Address nextHop, Frame frame, MacAddress builtFor)
    {
        if (builtFor != default) { iface.Port.Send(frame); return; }
        if (iface.Arp.TryLookup(nextHop, Sim.Now, out var mac))          // resolved since it was built
        {
            EthernetView.ForEmit(frame.Data).Destination = mac;
            iface.Port.Send(frame);
            return;
        }
        ParkForArp(iface, nextHop, frame);
    }
}
