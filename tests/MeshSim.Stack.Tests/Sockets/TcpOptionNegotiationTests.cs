using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;
using MeshSim.Wire;
using static MeshSim.Stack.Tests.Sockets.TcpHarness;

namespace MeshSim.Stack.Tests.Sockets;

/// <summary>SACK-permitted and timestamps on the SYN, SYN-ACK and the segments after them, byte for byte.</summary>
public class TcpOptionNegotiationTests
{
    private static byte[] Bytes(in TcpOptions o) { var b = new byte[o.Length]; o.Emit(b); return b; }

    [Fact]
    public void Syn_offers_mss_sack_timestamps_and_window_scale_in_linux_layout()
    {
        var h = new TcpHarness();
        h.Advance(1234 * SimTime.Millisecond);
        _ = h.Socket.Connect();
        var (syn, _) = h.Single();
        // mss 1460, sackOK, TS val 1234 ecr 0, nop, wscale 3: what Linux sends, in its order.
        Assert.Equal(Convert.FromHexString("020405b4" + "0402080a" + "000004d2" + "00000000" + "01030303"), Bytes(syn.Options));
    }

    [Fact]
    public void Switching_both_off_leaves_mss_and_window_scale()
    {
        var h = new TcpHarness(new TcpConfig { Sack = false, Timestamps = false });
        _ = h.Socket.Connect();
        Assert.Equal(Convert.FromHexString("020405b401030303"), Bytes(h.Single().Segment.Options));
    }

    [Fact]
    public void Sack_without_timestamps_is_nop_nop_sackok_before_window_scale()
    {
        var h = new TcpHarness(new TcpConfig { Timestamps = false });
        _ = h.Socket.Connect();
        Assert.Equal(Convert.FromHexString("020405b40101040201030303"), Bytes(h.Single().Segment.Options));
    }

    [Fact]
    public void Syn_ack_answers_only_what_the_peer_offered()
    {
        var h = new TcpHarness();
        h.Socket.AcceptSyn(FromPeer(TcpFlags.Syn, PeerIsn, options: new TcpOptions(MaxSegmentSize: 1460, WindowScale: 7, SackPermitted: true, Timestamp: (777u, 0u))));
        var (synAck, _) = h.Single();
        Assert.True(synAck.Options.SackPermitted);
        Assert.Equal((0u, 777u), synAck.Options.Timestamp);        // TSecr echoes the SYN's TSval
        Assert.True(h.Socket.TimestampsEnabled && h.Socket.SackEnabled);

        var plain = new TcpHarness();
        plain.Socket.AcceptSyn(FromPeer(TcpFlags.Syn, PeerIsn, options: new TcpOptions(MaxSegmentSize: 1460, WindowScale: 7)));
        var (synAck2, _) = plain.Single();
        Assert.False(synAck2.Options.SackPermitted);
        Assert.Null(synAck2.Options.Timestamp);
        Assert.False(plain.Socket.TimestampsEnabled || plain.Socket.SackEnabled);
        Assert.Equal(1460, plain.Socket.SendMss);
    }

    [Fact]
    public void Data_segments_carry_nop_nop_timestamps_and_give_up_12_bytes_of_payload()
    {
        var h = EstablishedWithOptions();
        Assert.Equal(1448, h.Socket.SendMss);                      // Linux's mss_cache with timestamps
        h.Advance(5 * SimTime.Millisecond);
        _ = h.Socket.SendAsync(new byte[3000]);
        var segs = h.Take();
        Assert.Equal(new[] { 1448, 1448, 104 }, segs.Select(s => s.Payload.Length));
        Assert.All(segs, s => Assert.Equal(Convert.FromHexString("0101080a" + "00000005" + "00000064"), Bytes(s.Segment.Options)));
    }

    [Fact]
    public void Ts_recent_follows_the_segment_at_the_last_ack_sent()
    {
        var h = EstablishedWithOptions();                           // TS.Recent = 100 from the SYN-ACK
        uint seq = PeerIsn + 1;
        h.Deliver(Data(seq, 200), new byte[1000]);                  // starts at the last ACK: TS.Recent = 200
        h.Deliver(Data(seq + 1000, 300), new byte[1000]);           // beyond it: not taken; second segment -> ACK
        var (ack, _) = h.Single();
        Assert.Equal(200u, ack.Options.Timestamp!.Value.EchoReply);
        h.Deliver(Data(seq + 2000, 400), new byte[1000]);
        h.Advance(40 * SimTime.Millisecond);                        // delayed ACK
        Assert.Equal(400u, h.Single().Segment.Options.Timestamp!.Value.EchoReply);
    }

    [Fact]
    public void Paws_drops_an_old_timestamp_and_acks()
    {
        var h = EstablishedWithOptions();
        uint seq = PeerIsn + 1;
        h.Deliver(Data(seq, 5000), new byte[100]);
        h.Advance(40 * SimTime.Millisecond);
        h.Take();
        h.Deliver(Data(seq + 100, 4000), new byte[100]);            // TSval went back: an old duplicate
        var (ack, _) = h.Single();
        Assert.Equal(seq + 100, ack.AcknowledgmentNumber);          // not taken
        Assert.Equal(5000u, ack.Options.Timestamp!.Value.EchoReply);
        Assert.Equal(1, h.Socket.Stats.PawsRejected);
        Assert.Equal(100, h.Socket.BytesAvailable);
    }

    [Fact]
    public void An_ack_covering_a_retransmission_still_samples_the_rtt_from_tsecr()
    {
        var h = EstablishedWithOptions();
        _ = h.Socket.SendAsync(new byte[100]);
        h.Take();
        h.Advance(h.Socket.RetransmissionTimeoutNs);                // timeout: resend at t = 1 s
        var (re, _) = h.Single();
        uint tsval = re.Options.Timestamp!.Value.Value;
        h.Advance(30 * SimTime.Millisecond);
        h.Deliver(FromPeer(TcpFlags.None, PeerIsn + 1, LocalIsn + 101, options: new TcpOptions(Timestamp: (101u, tsval))));
        // The handshake's sample was 0 (an instant SYN-ACK); the 30 ms from TSecr moves SRTT by 1/8.
        // Karn alone would give no sample here.
        Assert.Equal(30 * SimTime.Millisecond / 8, h.Socket.SmoothedRttNs);
    }

    internal static TcpRepr Data(uint seq, uint tsval, uint tsecr = 0) =>
        FromPeer(TcpFlags.None, seq, LocalIsn + 1, options: new TcpOptions(Timestamp: (tsval, tsecr)));

    /// <summary>Active open with a peer that offers SACK and timestamps (TSval 100), at t = 0.</summary>
    internal static TcpHarness EstablishedWithOptions(TcpConfig? config = null)
    {
        var h = new TcpHarness(config);
        _ = h.Socket.Connect();
        h.Single();
        h.Deliver(FromPeer(TcpFlags.Syn, PeerIsn, LocalIsn + 1, 65535,
            new TcpOptions(MaxSegmentSize: 1460, WindowScale: 7, SackPermitted: true, Timestamp: (100u, 0u))));
        h.Single();
        Assert.Equal(TcpState.Established, h.Socket.State);
        return h;
    }
}
