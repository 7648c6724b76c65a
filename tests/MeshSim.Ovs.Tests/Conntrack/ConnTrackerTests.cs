using MeshSim.Engine;
using MeshSim.Ovs.Conntrack;
using MeshSim.Wire;
using static MeshSim.Ovs.Tests.Conntrack.Packets;

namespace MeshSim.Ovs.Tests.Conntrack;

public class ConnTrackerTests
{
    private const long Sec = 1_000_000_000L;
    private readonly ConnTracker _ct = new(SimRandom.ForStream(1, "ct-test"));

    private CtState Run(byte[] frame, CtRequest req, long now, out CtMetadata md)
    {
        md = default;
        var flow = Flow(frame);
        _ct.Execute(frame, in flow, ref md, in req, now);
        return md.State;
    }

    private CtState Run(byte[] frame, CtRequest req, long now = 0) => Run(frame, req, now, out _);

    private static CtRequest Commit(ushort zone = 0, NatRequest? nat = null) => new(true, false, zone, nat);
    private static CtRequest Track(ushort zone = 0, NatRequest? nat = null) => new(false, false, zone, nat);

    [Fact]
    public void Uncommitted_lookup_creates_nothing()
    {
        var syn = Tcp("10.0.0.1", 1000, "10.0.0.2", 80, TcpFlags.Syn, 100, 0);
        Assert.Equal(CtState.Tracked | CtState.New, Run(syn, Track()));
        Assert.Equal(0, _ct.Count);
        Assert.Equal(CtState.Tracked | CtState.New, Run(syn, Track()));
    }

    [Fact]
    public void Tcp_handshake_goes_new_then_established_with_reply_flag()
    {
        Assert.Equal(CtState.Tracked | CtState.New, Run(Tcp("10.0.0.1", 1000, "10.0.0.2", 80, TcpFlags.Syn, 100, 0), Commit()));
        Assert.Equal(1, _ct.Count);
        var synAck = Tcp("10.0.0.2", 80, "10.0.0.1", 1000, TcpFlags.Syn | TcpFlags.Ack, 500, 101);
        Assert.Equal(CtState.Tracked | CtState.Established | CtState.Reply, Run(synAck, Track()));
        var ack = Tcp("10.0.0.1", 1000, "10.0.0.2", 80, TcpFlags.Ack, 101, 501);
        Assert.Equal(CtState.Tracked | CtState.Established, Run(ack, Track()));
        var c = Assert.Single(_ct.Connections(0));
        Assert.Equal((TcpPeerState.Established, TcpPeerState.Established), c.TcpStates);
        Assert.Equal(CtTimeout.TcpEstablished, c.TimeoutState);
    }

    [Fact]
    public void Syn_ack_cannot_start_a_connection()
    {
        var synAck = Tcp("10.0.0.2", 80, "10.0.0.1", 1000, TcpFlags.Syn | TcpFlags.Ack, 500, 101);
        Assert.Equal(CtState.Tracked | CtState.Invalid, Run(synAck, Commit()));
        Assert.Equal(0, _ct.Count);
    }

    [Fact]
    public void Segment_far_outside_the_window_is_invalid()
    {
        Run(Tcp("10.0.0.1", 1000, "10.0.0.2", 80, TcpFlags.Syn, 100, 0), Commit());
        Run(Tcp("10.0.0.2", 80, "10.0.0.1", 1000, TcpFlags.Syn | TcpFlags.Ack, 500, 101, window: 1000), Track());
        Run(Tcp("10.0.0.1", 1000, "10.0.0.2", 80, TcpFlags.Ack, 101, 501), Track());
        var wild = Tcp("10.0.0.1", 1000, "10.0.0.2", 80, TcpFlags.Ack, 101 + 5_000_000, 501, payload: 10);
        Assert.Equal(CtState.Tracked | CtState.Invalid, Run(wild, Track()));
        var inWindow = Tcp("10.0.0.1", 1000, "10.0.0.2", 80, TcpFlags.Ack, 101, 501, payload: 10);
        Assert.Equal(CtState.Tracked | CtState.Established, Run(inWindow, Track()));
    }

    [Fact]
    public void Rst_with_wrong_sequence_is_invalid_and_exact_rst_closes()
    {
        Run(Tcp("10.0.0.1", 1000, "10.0.0.2", 80, TcpFlags.Syn, 100, 0), Commit());
        Run(Tcp("10.0.0.2", 80, "10.0.0.1", 1000, TcpFlags.Syn | TcpFlags.Ack, 500, 101), Track());
        Run(Tcp("10.0.0.1", 1000, "10.0.0.2", 80, TcpFlags.Ack, 101, 501), Track());
        Assert.Equal(CtState.Tracked | CtState.Invalid, Run(Tcp("10.0.0.2", 80, "10.0.0.1", 1000, TcpFlags.Rst, 9999, 0), Track()));
        Assert.Equal(CtState.Tracked | CtState.Established | CtState.Reply, Run(Tcp("10.0.0.2", 80, "10.0.0.1", 1000, TcpFlags.Rst, 501, 0), Track()));
        var c = Assert.Single(_ct.Connections(0));
        Assert.Equal((TcpPeerState.TimeWait, TcpPeerState.TimeWait), c.TcpStates);
        Assert.Equal(CtTimeout.TcpClosed, c.TimeoutState);
        Assert.Equal(30 * Sec, c.ExpiresNs);   // OVS userspace "close" timeout
    }

    [Fact]
    public void Fin_exchange_moves_to_time_wait_timeout_of_45_seconds()
    {
        Run(Tcp("10.0.0.1", 1000, "10.0.0.2", 80, TcpFlags.Syn, 100, 0), Commit());
        Run(Tcp("10.0.0.2", 80, "10.0.0.1", 1000, TcpFlags.Syn | TcpFlags.Ack, 500, 101), Track());
        Run(Tcp("10.0.0.1", 1000, "10.0.0.2", 80, TcpFlags.Ack, 101, 501), Track());
        Run(Tcp("10.0.0.1", 1000, "10.0.0.2", 80, TcpFlags.Fin | TcpFlags.Ack, 101, 501), Track(), 10 * Sec);
        var c = Assert.Single(_ct.Connections(10 * Sec));
        Assert.Equal(CtTimeout.TcpClosing, c.TimeoutState);       // one side closing: 15 min
        Assert.Equal(10 * Sec + 900 * Sec, c.ExpiresNs);
        Run(Tcp("10.0.0.2", 80, "10.0.0.1", 1000, TcpFlags.Fin | TcpFlags.Ack, 501, 102), Track(), 11 * Sec);
        Assert.Equal(CtTimeout.TcpFinWait, c.TimeoutState);      // both closing: OVS's "time_wait" value
        Assert.Equal(11 * Sec + 45 * Sec, c.ExpiresNs);
        Run(Tcp("10.0.0.1", 1000, "10.0.0.2", 80, TcpFlags.Ack, 102, 502), Track(), 12 * Sec);
        Assert.Equal(CtTimeout.TcpClosed, c.TimeoutState);
    }

    [Fact]
    public void Syn_after_both_sides_closed_replaces_the_connection()
    {
        Run(Tcp("10.0.0.1", 1000, "10.0.0.2", 80, TcpFlags.Syn, 100, 0), Commit());
        Run(Tcp("10.0.0.2", 80, "10.0.0.1", 1000, TcpFlags.Syn | TcpFlags.Ack, 500, 101), Track());
        Run(Tcp("10.0.0.2", 80, "10.0.0.1", 1000, TcpFlags.Rst, 501, 0), Track());
        var old = Assert.Single(_ct.Connections(0));
        Assert.Equal(CtState.Tracked | CtState.New, Run(Tcp("10.0.0.1", 1000, "10.0.0.2", 80, TcpFlags.Syn, 7000, 0), Commit()));
        var fresh = Assert.Single(_ct.Connections(0));
        Assert.NotSame(old, fresh);
    }

    [Fact]
    public void Udp_times_out_on_virtual_time()
    {
        var q = Udp("10.0.0.1", 5000, "10.0.0.2", 53);
        Run(q, Commit(), 0);
        Assert.Equal(CtState.Tracked | CtState.Established | CtState.Reply, Run(Udp("10.0.0.2", 53, "10.0.0.1", 5000), Track(), 1 * Sec));
        // Bidirectional UDP: udp_multiple = 30 s from the last packet.
        Assert.Equal(CtState.Tracked | CtState.Established, Run(q, Track(), 30 * Sec));
        Assert.Equal(CtState.Tracked | CtState.New, Run(q, Track(), 61 * Sec));
    }

    [Fact]
    public void Zones_are_separate_tables()
    {
        Run(Udp("10.0.0.1", 5000, "10.0.0.2", 53), Commit(zone: 1));
        Assert.Equal(CtState.Tracked | CtState.New, Run(Udp("10.0.0.2", 53, "10.0.0.1", 5000), Track(zone: 2)));
        Assert.Equal(CtState.Tracked | CtState.Established | CtState.Reply, Run(Udp("10.0.0.2", 53, "10.0.0.1", 5000), Track(zone: 1), 0, out var md));
        Assert.Equal(1, md.Zone);
        Assert.Equal(0x0A000001u, md.Orig.Src);     // ct_nw_src is the original direction's source
    }

    [Fact]
    public void Icmp_echo_reply_without_request_is_invalid_and_request_reply_pairs()
    {
        Assert.Equal(CtState.Tracked | CtState.Invalid, Run(Echo("10.0.0.2", "10.0.0.1", 7, reply: true), Commit()));
        Run(Echo("10.0.0.1", "10.0.0.2", 7, reply: false), Commit());
        Assert.Equal(CtState.Tracked | CtState.Established | CtState.Reply, Run(Echo("10.0.0.2", "10.0.0.1", 7, reply: true), Track()));
    }

    [Fact]
    public void Dnat_rewrites_forward_and_un_nats_replies_with_valid_checksums()
    {
        var vip = NatRequest.From(new NatSpec(NatKind.Destination, Ipv4Address.Parse("10.1.0.5"), null, 8080, 0, NatFlags.None));
        var syn = Tcp("10.0.0.1", 40000, "10.96.0.10", 80, TcpFlags.Syn, 100, 0);
        Assert.Equal(CtState.Tracked | CtState.New | CtState.DstNat, Run(syn, Commit(zone: 1, nat: vip), 0, out var md));
        var f = Flow(syn);
        Assert.Equal(Ipv4Address.Parse("10.1.0.5"), f.NwDst);
        Assert.Equal(8080, f.TpDst);
        AssertChecksumsValid(syn);
        Assert.Equal(0x0A60000Au, md.Orig.Dst);   // ct_nw_dst keeps the VIP

        var synAck = Tcp("10.1.0.5", 8080, "10.0.0.1", 40000, TcpFlags.Syn | TcpFlags.Ack, 900, 101);
        var state = Run(synAck, Track(zone: 1, nat: new NatRequest(NatMode.None, 0, 0, 0, 0)));
        Assert.Equal(CtState.Tracked | CtState.Established | CtState.Reply | CtState.SrcNat, state);
        f = Flow(synAck);
        Assert.Equal(Ipv4Address.Parse("10.96.0.10"), f.NwSrc);
        Assert.Equal(80, f.TpSrc);
        AssertChecksumsValid(synAck);
    }

    [Fact]
    public void Snat_keeps_the_client_port_when_free_and_moves_when_a_live_entry_holds_it()
    {
        var snat = NatRequest.From(new NatSpec(NatKind.Source, Ipv4Address.Parse("192.168.0.1"), null, 0, 0, NatFlags.None));
        var a = Udp("10.0.0.1", 5000, "8.8.8.8", 53);
        Run(a, Commit(nat: snat));
        Assert.Equal(5000, Flow(a).TpSrc);
        var b = Udp("10.0.0.2", 5000, "8.8.8.8", 53);    // wants the same translated tuple
        Run(b, Commit(nat: snat), 1 * Sec);
        Assert.Equal(Ipv4Address.Parse("192.168.0.1"), Flow(b).NwSrc);
        Assert.Equal(5001, Flow(b).TpSrc);                // next port in 1024-65535
        AssertChecksumsValid(b);
        // Once the first entry has expired, its tuple is free again.
        var c = Udp("10.0.0.3", 5000, "8.8.8.8", 53);
        Run(c, Commit(nat: snat), 200 * Sec);
        Assert.Equal(5000, Flow(c).TpSrc);
    }

    [Fact]
    public void Full_table_refuses_commits_and_counts_them()
    {
        var ct = new ConnTracker(SimRandom.ForStream(1, "full"), maxConnections: 2);
        for (ushort p = 1; p <= 3; p++)
        {
            var f = Udp("10.0.0.1", (ushort)(1000 + p), "10.0.0.2", 53);
            var md = default(CtMetadata);
            var flow = Flow(f);
            ct.Execute(f, in flow, ref md, Commit(), 0);
            Assert.Equal(CtState.Tracked | CtState.New, md.State);
        }
        Assert.Equal(2, ct.Count);
        Assert.Equal(1, ct.CommitsDroppedFull);
    }

    [Fact]
    public void Bad_ip_checksum_is_invalid()
    {
        var f = Udp("10.0.0.1", 5000, "10.0.0.2", 53);
        f[14 + 10] ^= 0xFF;
        Assert.Equal(CtState.Tracked | CtState.Invalid, Run(f, Commit()));
    }

    [Fact]
    public void Icmp_error_quoting_a_connection_is_related()
    {
        var q = Udp("10.0.0.1", 5000, "10.0.0.2", 53);
        Run(q, Commit());
        var quoted = q.AsSpan(14, 28).ToArray();   // IP header + 8 bytes of UDP, as routers quote
        var buf = new byte[200];
        int n = FrameBuilder.Icmp(buf, new EthernetRepr(MacB, MacA, 0x0800), new Ipv4Repr(Ipv4Address.Parse("10.0.0.2"), Ipv4Address.Parse("10.0.0.1")),
            IcmpV4Repr.DestinationUnreachable(3, quoted.Length), quoted);
        Assert.Equal(CtState.Tracked | CtState.Related | CtState.Reply, Run(buf[..n], Track()));
    }

    [Fact]
    public void Hostile_bytes_never_throw()
    {
        var rng = SimRandom.ForStream(9, "hostile");
        for (int i = 0; i < 3000; i++)
        {
            var frame = Udp("10.0.0.1", 5000, "10.0.0.2", 53);
            if (i % 2 == 0) frame = Tcp("10.0.0.1", 1, "10.0.0.2", 2, TcpFlags.Syn, 1, 0, payload: 4);
            int flips = rng.Next(1, 6);
            for (int j = 0; j < flips; j++) frame[rng.Next(14, frame.Length)] = (byte)rng.Next(0, 256);
            var cut = frame[..rng.Next(14, frame.Length + 1)];
            var md = default(CtMetadata);
            var flow = Flow(cut);
            _ct.Execute(cut, in flow, ref md, Commit(), i);
            Assert.True((md.State & CtState.Tracked) != 0);
        }
    }

    private static void AssertChecksumsValid(byte[] frame)
    {
        var f = Flow(frame);
        var ip = frame.AsSpan(f.L3Offset, 20);
        Assert.True(Checksum.IsValid(ip));
        int total = (frame[f.L3Offset + 2] << 8) | frame[f.L3Offset + 3];
        var l4 = frame.AsSpan(f.L4Offset, total - 20);
        Assert.True(Checksum.IsValid(l4, Checksum.PseudoHeaderSum(f.NwSrc, f.NwDst, f.NwProto, l4.Length)));
    }
}
