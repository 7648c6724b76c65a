namespace MeshSim.Wire;

/// <summary>
/// Writes whole frames into a caller's buffer and returns their length, with every length and
/// checksum filled in. The builder sets the fields that follow from the layering — the Ethernet
/// type, the IPv4 protocol and payload length, the L4 payload length — whatever the reprs passed
/// in say; everything else comes from the reprs.
/// </summary>
/// <remarks>A buffer that is too small is a programming error (frames are built from pooled
/// buffers of MTU size), so it throws <see cref="ArgumentException"/> naming the length needed.
/// Frames shorter than the Ethernet minimum are not padded: simulated links carry them as they
/// are, like Linux's veth and loopback.</remarks>
public static class FrameBuilder
{
    /// <summary>Ethernet + ARP.</summary>
    public static int Arp(Span<byte> buffer, in EthernetRepr eth, in ArpRepr arp)
    {
        var e = eth with { EtherType = EtherType.Arp };
        int length = Require(buffer, e.BufferLength(ArpView.Length));
        var frame = EthernetView.ForEmit(buffer[..length]);
        e.Emit(frame);
        arp.Emit(ArpView.ForEmit(frame.Payload));
        return length;
    }

    /// <summary>A broadcast ARP request "who has <paramref name="targetIp"/>, tell <paramref name="senderIp"/>".</summary>
    public static int ArpRequest(Span<byte> buffer, MacAddress senderMac, Ipv4Address senderIp, Ipv4Address targetIp) =>
        Arp(buffer, new EthernetRepr(senderMac, MacAddress.Broadcast, EtherType.Arp),
            new ArpRepr(ArpOperation.Request, senderMac, senderIp, default, targetIp));

    /// <summary>A unicast ARP reply "<paramref name="senderIp"/> is at <paramref name="senderMac"/>".</summary>
    public static int ArpReply(Span<byte> buffer, MacAddress senderMac, Ipv4Address senderIp, MacAddress targetMac, Ipv4Address targetIp) =>
        Arp(buffer, new EthernetRepr(senderMac, targetMac, EtherType.Arp),
            new ArpRepr(ArpOperation.Reply, senderMac, senderIp, targetMac, targetIp));

    /// <summary>Ethernet + IPv4 + ICMP (echo, unreachable, …) with <paramref name="data"/> after the ICMP header.</summary>
    public static int Icmp(Span<byte> buffer, in EthernetRepr eth, in Ipv4Repr ip, in IcmpV4Repr icmp, ReadOnlySpan<byte> data)
    {
        var i = icmp with { DataLength = data.Length };
        var l4 = LayOut(buffer, eth, ip, IpProtocol.Icmp, i.BufferLength, out int length);
        var view = IcmpV4View.ForEmit(l4);
        data.CopyTo(view.Payload);
        i.Emit(view, ChecksumMode.Fill);
        return length;
    }

    /// <summary>Ethernet + IPv4 + ICMP echo request (or reply when <paramref name="reply"/>).</summary>
    public static int IcmpEcho(Span<byte> buffer, in EthernetRepr eth, in Ipv4Repr ip, ushort identifier, ushort sequenceNumber,
                               ReadOnlySpan<byte> data, bool reply = false) =>
        Icmp(buffer, eth, ip,
             reply ? IcmpV4Repr.EchoReply(identifier, sequenceNumber, data.Length) : IcmpV4Repr.EchoRequest(identifier, sequenceNumber, data.Length),
             data);

    /// <summary>Ethernet + IPv4 + TCP (options from <paramref name="tcp"/>) + <paramref name="payload"/>.</summary>
    public static int Tcp(Span<byte> buffer, in EthernetRepr eth, in Ipv4Repr ip, in TcpRepr tcp, ReadOnlySpan<byte> payload)
    {
        var t = tcp with { PayloadLength = payload.Length };
        var l4 = LayOut(buffer, eth, ip, IpProtocol.Tcp, t.BufferLength, out int length);
        payload.CopyTo(l4[t.HeaderLength..]);
        t.Emit(TcpView.ForEmit(l4), ip.Source, ip.Destination, ChecksumMode.Fill);
        return length;
    }

    /// <summary>Ethernet + IPv4 + UDP + <paramref name="payload"/>, checksum computed (0 sent as 0xFFFF).</summary>
    public static int Udp(Span<byte> buffer, in EthernetRepr eth, in Ipv4Repr ip, in UdpRepr udp, ReadOnlySpan<byte> payload) =>
        Udp(buffer, eth, ip, udp, payload, ChecksumMode.Fill);

    /// <summary>Ethernet + IPv4 + UDP + VXLAN + <paramref name="innerFrame"/>. The outer UDP checksum is
    /// zero, as RFC 7348 recommends and Linux sends by default.</summary>
    public static int Vxlan(Span<byte> buffer, in EthernetRepr outerEth, in Ipv4Repr outerIp, ushort udpSourcePort, uint vni,
                            ReadOnlySpan<byte> innerFrame, ushort udpDestinationPort = UdpRepr.VxlanPort)
    {
        var vx = new VxlanRepr(vni);
        int need = outerEth.HeaderLength + Ipv4View.MinHeaderLength + UdpView.HeaderLength + vx.BufferLength(innerFrame.Length);
        Require(buffer, need);
        // The VXLAN header and inner frame form the UDP payload; write them in place, then wrap.
        var udpPayload = buffer.Slice(outerEth.HeaderLength + Ipv4View.MinHeaderLength + UdpView.HeaderLength, vx.BufferLength(innerFrame.Length));
        var vxView = VxlanView.ForEmit(udpPayload);
        vx.Emit(vxView);
        innerFrame.CopyTo(vxView.Payload);
        return Udp(buffer, outerEth, outerIp, new UdpRepr(udpSourcePort, udpDestinationPort, udpPayload.Length), udpPayload, ChecksumMode.Ignore);
    }

    private static int Udp(Span<byte> buffer, in EthernetRepr eth, in Ipv4Repr ip, in UdpRepr udp, ReadOnlySpan<byte> payload, ChecksumMode mode)
    {
        var u = udp with { PayloadLength = payload.Length };
        var l4 = LayOut(buffer, eth, ip, IpProtocol.Udp, u.BufferLength, out int length);
        payload.CopyTo(l4[UdpView.HeaderLength..]);    // may be the same bytes (VXLAN): CopyTo handles overlap
        u.Emit(UdpView.ForEmit(l4), ip.Source, ip.Destination, mode);
        return length;
    }

    /// <summary>Emits Ethernet and IPv4 headers for an L4 message of <paramref name="l4Length"/>
    /// bytes and returns the span where it goes.</summary>
    private static Span<byte> LayOut(Span<byte> buffer, in EthernetRepr eth, in Ipv4Repr ip, byte protocol, int l4Length, out int length)
    {
        var e = eth with { EtherType = EtherType.Ipv4 };
        var i = ip with { Protocol = protocol, PayloadLength = l4Length };
        if (i.BufferLength > ushort.MaxValue)
            throw new ArgumentException($"IPv4 total length {i.BufferLength} exceeds 65535", nameof(ip));
        length = Require(buffer, e.BufferLength(i.BufferLength));
        var frame = EthernetView.ForEmit(buffer[..length]);
        e.Emit(frame);
        var ipView = Ipv4View.ForEmit(frame.Payload);
        i.Emit(ipView, ChecksumMode.Fill);
        return ipView.Payload;
    }

    private static int Require(Span<byte> buffer, int length) =>
        buffer.Length >= length ? length
            : throw new ArgumentException($"frame needs {length} bytes, buffer has {buffer.Length}", nameof(buffer));
}
