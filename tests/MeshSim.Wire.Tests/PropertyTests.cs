using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace MeshSim.Wire.Tests;

[Properties(Arbitrary = new[] { typeof(WireGenerators) }, MaxTest = 300)]
public class PropertyTests
{
    /// <summary>Walks every view and repr over <paramref name="bytes"/> the way a receiver would,
    /// touching every accessor after a successful TryCreate. Returns how deep it got.</summary>
    internal static int ParseEverything(byte[] bytes)
    {
        var key = default(FlowKey);
        var counters = default(ExtractCounters);
        FlowExtractor.Extract(bytes, 1, ref key, ref counters);
        _ = FrameText.Describe(bytes);
        _ = FlowKeyText.Format(key);
        int depth = 0;
        var buf = bytes.AsSpan();
        if (!EthernetView.TryCreate(buf, out var eth, out _)) return depth;
        depth++;
        _ = (eth.Source, eth.Destination, eth.VlanTci, eth.EtherType, eth.Payload.Length, eth.ToString());
        EthernetRepr.TryParse(eth, out _, out _);
        if (ArpView.TryCreate(eth.Payload, out var arp, out _))
        {
            _ = arp.ToString();
            ArpRepr.TryParse(arp, out _, out _);
        }
        if (VxlanView.TryCreate(eth.Payload, out var vx, out _)) { _ = vx.ToString(); VxlanRepr.TryParse(vx, out _, out _); }
        if (!Ipv4View.TryCreate(eth.Payload, out var ip, out _)) return depth;
        depth++;
        _ = (ip.Options.Length, ip.Payload.Length, ip.ToString(), ip.VerifyChecksum());
        foreach (var mode in new[] { ChecksumMode.Verify, ChecksumMode.Ignore })
        {
            Ipv4Repr.TryParse(ip, mode, out _, out _);
            if (IcmpV4View.TryCreate(ip.Payload, out var icmp, out _)) { _ = icmp.ToString(); IcmpV4Repr.TryParse(icmp, mode, out _, out _); }
            if (TcpView.TryCreate(ip.Payload, out var tcp, out _))
            {
                _ = (tcp.Payload.Length, tcp.ToString());
                TcpRepr.TryParse(tcp, ip.Source, ip.Destination, mode, out _, out _);
            }
            if (UdpView.TryCreate(ip.Payload, out var udp, out _))
            {
                _ = (udp.Payload.Length, udp.ToString());
                UdpRepr.TryParse(udp, ip.Source, ip.Destination, mode, out _, out _);
            }
        }
        return depth + 1;
    }

    [Property(MaxTest = 1000)]
    public bool Parsing_never_throws_on_arbitrary_bytes(byte[] bytes)
    {
        ParseEverything(bytes);
        return true;
    }

    [Property(MaxTest = 2000)]
    public Property Parsing_never_throws_on_frame_shaped_bytes(FrameBytes frame)
    {
        int depth = ParseEverything(frame.Bytes);              // an exception fails the property
        return Prop.Classify(Prop.ToProperty(true), depth >= 3, "reached L4");   // the label reports how deep the inputs got
    }

    [Property]
    public bool Ethernet_round_trips(EthernetRepr repr)
    {
        var buf = Captures.Junk(repr.BufferLength(0));
        repr.Emit(EthernetView.ForEmit(buf));
        return EthernetView.TryCreate(buf, out var v, out _) && EthernetRepr.TryParse(v, out var back, out _) && back == repr;
    }

    [Property]
    public bool Arp_round_trips(ArpRepr repr)
    {
        var buf = Captures.Junk(repr.BufferLength);
        repr.Emit(ArpView.ForEmit(buf));
        return ArpView.TryCreate(buf, out var v, out _) && ArpRepr.TryParse(v, out var back, out _) && back == repr;
    }

    [Property]
    public bool Ipv4_round_trips_with_a_valid_checksum(Ipv4Repr repr)
    {
        var buf = Captures.Junk(repr.BufferLength);
        repr.Emit(Ipv4View.ForEmit(buf), ChecksumMode.Fill);
        return Ipv4View.TryCreate(buf, out var v, out _) && Ipv4Repr.TryParse(v, ChecksumMode.Verify, out var back, out _) && back == repr;
    }

    [Property]
    public bool Icmp_round_trips(IcmpV4Repr repr)
    {
        var buf = Captures.Junk(repr.BufferLength);
        repr.Emit(IcmpV4View.ForEmit(buf), ChecksumMode.Fill);
        return IcmpV4View.TryCreate(buf, out var v, out _) && IcmpV4Repr.TryParse(v, ChecksumMode.Verify, out var back, out _) && back == repr;
    }

    [Property]
    public bool Tcp_round_trips_through_a_whole_frame(TcpRepr repr, EthernetRepr eth)
    {
        var src = Ipv4Address.Parse("10.0.0.1"); var dst = Ipv4Address.Parse("10.0.0.2");
        var payload = Enumerable.Range(0, repr.PayloadLength).Select(i => (byte)(i * 7)).ToArray();
        var buf = Captures.Junk(2048);
        int n = FrameBuilder.Tcp(buf, eth, new Ipv4Repr(src, dst), repr, payload);
        var frame = buf.AsSpan(0, n);
        return EthernetView.TryCreate(frame, out var e, out _) && Ipv4View.TryCreate(e.Payload, out var ip, out _)
            && TcpView.TryCreate(ip.Payload, out var tcp, out _)
            && TcpRepr.TryParse(tcp, src, dst, ChecksumMode.Verify, out var back, out _)
            && back == repr && tcp.Payload.SequenceEqual(payload);
    }

    [Property]
    public bool Udp_round_trips_through_a_whole_frame(UdpRepr repr)
    {
        var src = Ipv4Address.Parse("192.168.1.1"); var dst = Ipv4Address.Parse("192.168.1.200");
        var payload = Enumerable.Range(0, repr.PayloadLength).Select(i => (byte)(i * 13 + 1)).ToArray();
        var buf = Captures.Junk(2048);
        int n = FrameBuilder.Udp(buf, new EthernetRepr(default, default, 0), new Ipv4Repr(src, dst), repr, payload);
        return EthernetView.TryCreate(buf.AsSpan(0, n), out var e, out _) && Ipv4View.TryCreate(e.Payload, out var ip, out _)
            && UdpView.TryCreate(ip.Payload, out var udp, out _) && udp.Checksum != 0
            && UdpRepr.TryParse(udp, src, dst, ChecksumMode.Verify, out var back, out _) && back == repr;
    }

    [Property]
    public bool Vxlan_round_trips(VxlanRepr repr)
    {
        var buf = Captures.Junk(repr.BufferLength(0));
        repr.Emit(VxlanView.ForEmit(buf));
        return VxlanView.TryCreate(buf, out var v, out _) && VxlanRepr.TryParse(v, out var back, out _) && back == repr;
    }

    [Property]
    public bool Tcp_options_round_trip_and_stay_word_aligned(TcpOptions options)
    {
        var buf = Captures.Junk(options.Length);
        int written = options.Emit(buf);
        return written == options.Length && written % 4 == 0
            && TcpOptions.TryParse(buf, out var back, out _) && back == options;
    }
}
