using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;
using MeshSim.Wire;
using static MeshSim.Stack.Tests.Sockets.TcpHarness;

namespace MeshSim.Stack.Tests.Sockets;

/// <summary>The state machine driven segment by segment, asserting exactly what it emits.</summary>
public class TcpSocketTests
{
    [Fact]
    public void Connect_sends_syn_with_mss_and_window_scale()
    {
        var h = new TcpHarness();
        _ = h.Socket.Connect();
        var (syn, payload) = h.Single();
        Assert.Equal(TcpFlags.Syn, syn.Flags);
        Assert.Equal(LocalIsn, syn.SequenceNumber);
        Assert.Equal((ushort)1460, syn.Options.MaxSegmentSize);
        Assert.Equal((byte)3, syn.Options.WindowScale);          // 256 KiB >> 2 is 65536, one too many: shift 3
        Assert.Equal((ushort)65535, syn.WindowSize);              // SYN windows are never scaled
        Assert.Empty(payload);
        Assert.Equal(TcpState.SynSent, h.Socket.State);
    }

    [Fact]
    public void Syn_ack_completes_the_handshake_with_an_ack()
    {
        var h = new TcpHarness();
        var connected = h.Socket.Connect();
        h.Single();
        h.Deliver(FromPeer(TcpFlags.Syn, PeerIsn, LocalIsn + 1, 29200, new TcpOptions(MaxSegmentSize: 1400, WindowScale: 7)));
        var (ack, _) = h.Single();
        Assert.Equal(TcpFlags.Ack, ack.Flags);
        Assert.Equal(LocalIsn + 1, ack.SequenceNumber);
        Assert.Equal(PeerIsn + 1, ack.AcknowledgmentNumber);
        Assert.Equal(TcpState.Established, h.Socket.State);
        Assert.True(connected.IsCompleted);
        Assert.Equal(1400, h.Socket.SendMss);                     // min(peer's MSS, ours)
        Assert.Equal(29200, h.Socket.SendWindow);                 // the SYN-ACK's window is unscaled
        Assert.Equal(7, h.Socket.SendWindowShift);
    }

    [Fact]
    public void Syn_ack_with_a_bad_ack_gets_a_reset()
    {
        var h = new TcpHarness();
        _ = h.Socket.Connect();
        h.Single();
        h.Deliver(FromPeer(TcpFlags.Syn, PeerIsn, LocalIsn + 77));
        var (rst, _) = h.Single();
        Assert.Equal(TcpFlags.Rst, rst.Flags);
        Assert.Equal(LocalIsn + 77, rst.SequenceNumber);
        Assert.Equal(TcpState.SynSent, h.Socket.State);
    }

    [Fact]
    public void Reset_answering_syn_refuses_the_connection()
    {
        var h = new TcpHarness();
        var connected = h.Socket.Connect();
        h.Single();
        h.Deliver(FromPeer(TcpFlags.Rst, 0, LocalIsn + 1));
        Assert.Equal(TcpState.Closed, h.Socket.State);
        Assert.True(h.Closed);
        var e = Assert.IsType<TcpException>(connected.Exception);
        Assert.Equal(TcpError.ConnectionRefused, e.Error);
    }

    [Fact]
    public void Passive_open_without_peer_window_scale_disables_scaling()
    {
        var h = new TcpHarness();
        h.Socket.AcceptSyn(FromPeer(TcpFlags.Syn, PeerIsn, window: 8192, options: new TcpOptions(MaxSegmentSize: 536)));
        var (synAck, _) = h.Single();
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
        Assert.Equal(PeerIsn + 1, synAck.AcknowledgmentNumber);
        Assert.Null(synAck.Options.WindowScale);                  // only answer a scale option with one
        Assert.Equal((ushort)1460, synAck.Options.MaxSegmentSize);
        h.Deliver(FromPeer(TcpFlags.None, PeerIsn + 1, LocalIsn + 1, 8192));
        Assert.Equal(TcpState.Established, h.Socket.State);
        Assert.True(h.Established);
        Assert.Equal(0, h.Socket.ReceiveWindowShift);
        Assert.Equal(536, h.Socket.SendMss);
    }

    [Fact]
    public void Data_is_cut_into_mss_segments_with_psh_on_the_last()
    {
        var h = Established_();
        _ = h.Socket.SendAsync(new byte[3000]);
        var segs = h.Take();
        Assert.Equal([1460, 1460, 80], segs.Select(s => s.Payload.Length));
        Assert.Equal([LocalIsn + 1, LocalIsn + 1461, LocalIsn + 2921], segs.Select(s => s.Segment.SequenceNumber));
        Assert.All(segs, s => Assert.Equal(PeerIsn + 1, s.Segment.AcknowledgmentNumber));
        Assert.Equal(TcpFlags.Ack | TcpFlags.Psh, segs[2].Segment.Flags);
        Assert.Equal(TcpFlags.Ack, segs[0].Segment.Flags);
    }

    [Fact]
    public void Sending_stops_at_the_peer_window_and_resumes_when_it_opens()
    {
        var h = Established_(peerWindow: 3500, peerScale: null);
        _ = h.Socket.SendAsync(new byte[5000]);
        // Two full segments; the 580 bytes left in the window wait (sender SWS avoidance: less than
        // an MSS, more data queued behind it, data in flight).
        Assert.Equal([1460, 1460], h.Take().Select(s => s.Payload.Length));
        // Cumulative ACK, window 4000: the remaining 2080 bytes fit, the last short segment empties the buffer.
        h.Deliver(FromPeer(TcpFlags.None, PeerIsn + 1, LocalIsn + 2921, 4000));
        Assert.Equal([1460, 620], h.Take().Select(s => s.Payload.Length));
        Assert.Equal(2080, h.Socket.BytesUnacknowledged);
    }

    [Fact]
    public void A_window_below_two_segments_gets_segments_of_half_of_it_as_in_linux()
    {
        var h = Established_(peerWindow: 2000, peerScale: null);
        _ = h.Socket.SendAsync(new byte[5000]);
        Assert.Equal([1000, 1000], h.Take().Select(s => s.Payload.Length));   // tcp_bound_to_half_wnd
        h.Deliver(FromPeer(TcpFlags.None, PeerIsn + 1, LocalIsn + 2001, 8000));
        Assert.Equal([1460, 1460, 80], h.Take().Select(s => s.Payload.Length));   // the largest window grew
    }

    [Fact]
    public void Window_scale_applies_to_every_window_after_the_syn()
    {
        var h = Established_(peerScale: 4);
        h.Deliver(FromPeer(TcpFlags.None, PeerIsn + 1, LocalIsn + 1, 1000));
        Assert.Equal(16_000, h.Socket.SendWindow);
    }

    [Fact]
    public void Timeout_retransmits_with_exponential_backoff()
    {
        var h = Established_();
        _ = h.Socket.SendAsync(new byte[100]);
        h.Take();
        long rto = h.Socket.RetransmissionTimeoutNs;
        h.Advance(rto - 1);
        Assert.Empty(h.Sent);
        h.Advance(1);
        var (re, payload) = h.Single();
        Assert.Equal(LocalIsn + 1, re.SequenceNumber);
        Assert.Equal(100, payload.Length);
        Assert.Equal(1, h.Socket.Stats.Timeouts);
        Assert.Equal(2 * rto, h.Socket.RetransmissionTimeoutNs);   // RFC 6298 5.5
        h.Advance(2 * rto);
        h.Single();
        Assert.Equal(4 * rto, h.Socket.RetransmissionTimeoutNs);
    }

    [Fact]
    public void Rtt_samples_set_the_rto_with_a_200ms_floor()
    {
        var h = new TcpHarness();
        _ = h.Socket.Connect();
        h.Single();
        h.Advance(10 * SimTime.Millisecond);
        h.Deliver(FromPeer(TcpFlags.Syn, PeerIsn, LocalIsn + 1, 65535, new TcpOptions(MaxSegmentSize: 1460)));
        h.Single();
        Assert.Equal(10 * SimTime.Millisecond, h.Socket.SmoothedRttNs);   // the handshake is the first sample, as in Linux
        _ = h.Socket.SendAsync(new byte[100]);
        h.Take();
        h.Advance(10 * SimTime.Millisecond);
        h.Deliver(FromPeer(TcpFlags.None, PeerIsn + 1, LocalIsn + 101));
        Assert.Equal(10 * SimTime.Millisecond, h.Socket.SmoothedRttNs);
        // SRTT + 4 * RTTVAR = 10 + 4 * 5 = 30 ms, raised to the 200 ms minimum.
        Assert.Equal(200 * SimTime.Millisecond, h.Socket.RetransmissionTimeoutNs);
    }

    [Fact]
    public void Three_duplicate_acks_trigger_fast_retransmit()
    {
        var h = Established_();
        _ = h.Socket.SendAsync(new byte[5 * 1460]);
        Assert.Equal(5, h.Take().Count);
        var dup = FromPeer(TcpFlags.None, PeerIsn + 1, LocalIsn + 1461);
        h.Deliver(dup);                       // new ACK for segment 1
        h.Take();
        h.Deliver(dup); h.Deliver(dup);
        Assert.Empty(h.Sent);
        h.Deliver(dup);                       // third duplicate
        var (re, payload) = h.Single();
        Assert.Equal(LocalIsn + 1461, re.SequenceNumber);
        Assert.Equal(1460, payload.Length);
        Assert.Equal(1, h.Socket.Stats.FastRetransmits);
    }

    [Fact]
    public void In_order_data_is_acked_every_second_segment_or_after_the_delay()
    {
        var h = Established_();
        h.Deliver(FromPeer(TcpFlags.None, PeerIsn + 1, LocalIsn + 1), new byte[1000]);
        Assert.Empty(h.Sent);                                    // delayed
        h.Advance(40 * SimTime.Millisecond);
        var (ack, _) = h.Single();
        Assert.Equal(PeerIsn + 1001, ack.AcknowledgmentNumber);
        h.Deliver(FromPeer(TcpFlags.None, PeerIsn + 1001, LocalIsn + 1), new byte[1000]);
        h.Deliver(FromPeer(TcpFlags.None, PeerIsn + 2001, LocalIsn + 1), new byte[1000]);
        Assert.Equal(PeerIsn + 3001, h.Single().Segment.AcknowledgmentNumber);   // second segment: at once
    }

    [Fact]
    public void Out_of_order_data_is_acked_at_once_and_reassembled()
    {
        var h = Established_();
        h.Deliver(FromPeer(TcpFlags.None, PeerIsn + 1001, LocalIsn + 1), Enumerable.Repeat((byte)2, 1000).ToArray());
        Assert.Equal(PeerIsn + 1, h.Single().Segment.AcknowledgmentNumber);        // duplicate ACK for the hole
        h.Deliver(FromPeer(TcpFlags.None, PeerIsn + 1, LocalIsn + 1), Enumerable.Repeat((byte)1, 1000).ToArray());
        Assert.Equal(PeerIsn + 2001, h.Single().Segment.AcknowledgmentNumber);
        var buf = new byte[4000];
        Assert.Equal(2000, h.Socket.TryReceive(buf));
        Assert.True(buf.AsSpan(0, 1000).IndexOfAnyExcept((byte)1) < 0);
        Assert.True(buf.AsSpan(1000, 1000).IndexOfAnyExcept((byte)2) < 0);
    }

    [Fact]
    public void Segment_outside_the_window_is_answered_with_an_ack_and_dropped()
    {
        var h = Established_();
        h.Deliver(FromPeer(TcpFlags.None, PeerIsn + 1 + 10_000_000, LocalIsn + 1), new byte[10]);
        Assert.Equal(PeerIsn + 1, h.Single().Segment.AcknowledgmentNumber);
        Assert.Equal(0, h.Socket.BytesAvailable);
        Assert.Equal(1, h.Socket.Stats.OutOfWindow);
    }

    [Fact]
    public void Reset_with_exact_sequence_closes_and_fails_the_reader()
    {
        var h = Established_();
        var read = h.Socket.ReceiveAsync(new byte[10]);
        h.Deliver(FromPeer(TcpFlags.Rst, PeerIsn + 1));
        Assert.Equal(TcpState.Closed, h.Socket.State);
        Assert.Equal(TcpError.ConnectionReset, Assert.IsType<TcpException>(read.Exception).Error);
    }

    [Fact]
    public void Reset_with_inexact_sequence_gets_a_challenge_ack()
    {
        var h = Established_();
        h.Deliver(FromPeer(TcpFlags.Rst, PeerIsn + 100));
        var (ack, _) = h.Single();
        Assert.Equal(TcpFlags.Ack, ack.Flags);
        Assert.Equal(TcpState.Established, h.Socket.State);
    }

    [Fact]
    public void Passive_close_goes_through_close_wait_and_last_ack()
    {
        var h = Established_();
        var read = h.Socket.ReceiveAsync(new byte[10]);
        h.Deliver(FromPeer(TcpFlags.Fin, PeerIsn + 1, LocalIsn + 1));
        Assert.Equal(PeerIsn + 2, h.Single().Segment.AcknowledgmentNumber);
        Assert.Equal(TcpState.CloseWait, h.Socket.State);
        Assert.Equal(0, read.Result);                          // end of stream
        h.Socket.Close();
        var (fin, _) = h.Single();
        Assert.Equal(TcpFlags.Fin | TcpFlags.Ack, fin.Flags);
        Assert.Equal(TcpState.LastAck, h.Socket.State);
        h.Deliver(FromPeer(TcpFlags.None, PeerIsn + 2, LocalIsn + 2));
        Assert.Equal(TcpState.Closed, h.Socket.State);
        Assert.True(h.Closed);
    }

    [Fact]
    public void Active_close_waits_two_msl_in_time_wait()
    {
        var h = Established_();
        h.Socket.Close();
        Assert.Equal(TcpFlags.Fin | TcpFlags.Ack, h.Single().Segment.Flags);
        h.Deliver(FromPeer(TcpFlags.None, PeerIsn + 1, LocalIsn + 2));
        Assert.Equal(TcpState.FinWait2, h.Socket.State);
        h.Deliver(FromPeer(TcpFlags.Fin, PeerIsn + 1, LocalIsn + 2));
        Assert.Equal(PeerIsn + 2, h.Single().Segment.AcknowledgmentNumber);
        Assert.Equal(TcpState.TimeWait, h.Socket.State);
        h.Advance(60 * SimTime.Second - 1);
        Assert.Equal(TcpState.TimeWait, h.Socket.State);
        h.Advance(1);
        Assert.Equal(TcpState.Closed, h.Socket.State);
    }

    [Fact]
    public void Fin_follows_queued_data()
    {
        var h = Established_();
        _ = h.Socket.SendAsync(new byte[100]);
        h.Take();
        h.Socket.Close();
        var (fin, payload) = h.Single();
        Assert.Equal(LocalIsn + 101, fin.SequenceNumber);
        Assert.Empty(payload);
        Assert.Equal(TcpState.FinWait1, h.Socket.State);
    }

    [Fact]
    public void Connect_gives_up_after_the_syn_retries()
    {
        var h = new TcpHarness(new TcpConfig { MaxSynRetransmissions = 2 });
        var connected = h.Socket.Connect();
        h.Advance(100 * SimTime.Second);
        Assert.Equal(3, h.Take().Count(s => s.Segment.Flags == TcpFlags.Syn));   // 1 + 2 retries, 1 s then 2 s apart
        Assert.Equal(TcpError.TimedOut, Assert.IsType<TcpException>(connected.Exception).Error);
    }
}

public class TcpSocketCloseTests
{
    [Fact]
    public void Close_during_handshake_sends_fin_after_the_ack()
    {
        var h = new TcpHarness();
        h.Socket.AcceptSyn(FromPeer(TcpFlags.Syn, PeerIsn, options: new TcpOptions(MaxSegmentSize: 1460, WindowScale: 7)));
        h.Single();
        h.Socket.Close();
        Assert.Equal(TcpState.SynReceived, h.Socket.State);
        Assert.Empty(h.Sent);
        h.Deliver(FromPeer(TcpFlags.None, PeerIsn + 1, LocalIsn + 1));
        var (fin, _) = h.Single();
        Assert.Equal(TcpFlags.Fin | TcpFlags.Ack, fin.Flags);
        Assert.Equal(TcpState.FinWait1, h.Socket.State);
    }

    [Fact]
    public void Zero_window_is_probed_and_the_connection_survives()
    {
        var h = Established_(peerWindow: 0, peerScale: null);
        _ = h.Socket.SendAsync(new byte[100]);
        Assert.Empty(h.Sent);                                       // window closed: nothing goes
        for (int i = 0; i < 20; i++)                                // many more probes than the retry limit
        {
            h.Advance(h.Socket.RetransmissionTimeoutNs);
            var (probe, payload) = h.Single();
            Assert.Equal(LocalIsn, probe.SequenceNumber);          // Linux's probe: a bare ACK at SND.UNA - 1
            Assert.Equal(TcpFlags.Ack, probe.Flags);
            Assert.Empty(payload);
            h.Deliver(FromPeer(TcpFlags.None, PeerIsn + 1, LocalIsn + 1, 0));   // still closed
            h.Take();
        }
        Assert.Equal(TcpState.Established, h.Socket.State);
        h.Deliver(FromPeer(TcpFlags.None, PeerIsn + 1, LocalIsn + 1, 1000));    // window opens
        Assert.Equal(100, h.Take().Sum(s => s.Payload.Length));
    }
}

public class TcpWindowUpdateTests
{
    [Fact]
    public void Reading_from_a_full_buffer_sends_one_window_update_once_an_mss_is_free()
    {
        var h = Established_(new TcpConfig { ReceiveBufferBytes = 8192 });
        uint seq = PeerIsn + 1;
        foreach (int len in new[] { 1460, 1460, 1460, 1460, 1460, 892 })
        {
            h.Deliver(FromPeer(TcpFlags.None, seq, LocalIsn + 1), new byte[len]);
            seq += (uint)len;
        }
        var acks = h.Take();
        Assert.Equal(0, acks[^1].Segment.WindowSize);                     // buffer full: window closed
        Assert.Equal(seq, acks[^1].Segment.AcknowledgmentNumber);
        h.Socket.TryReceive(new byte[1000]);
        Assert.Empty(h.Sent);                                             // less than an MSS opened: stay quiet
        h.Socket.TryReceive(new byte[1000]);
        var (update, _) = h.Single();
        Assert.Equal(2000, update.WindowSize);
        h.Socket.TryReceive(new byte[1000]);                              // 3000 < 2 x 2000 advertised: no new update
        Assert.Empty(h.Sent);
    }
}
