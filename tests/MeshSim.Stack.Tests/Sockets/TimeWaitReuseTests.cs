using MeshSim.Engine;
using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;
using MeshSim.Wire;
using static MeshSim.Stack.Tests.Sockets.TcpHarness;

namespace MeshSim.Stack.Tests.Sockets;

/// <summary>
/// A 4-tuple whose server end is in TIME_WAIT, reused by the client (Linux's
/// <c>tcp_timewait_state_process</c>: a bare SYN beyond the old RCV.NXT opens a new incarnation).
/// </summary>
public class TimeWaitReuseTests
{
    /// <summary>Socket in TIME_WAIT after it closed first: FIN out, ACK in, peer's FIN in.</summary>
    private static TcpHarness InTimeWait()
    {
        var h = Established_();
        h.Socket.Close();
        h.Single();
        h.Deliver(FromPeer(TcpFlags.Fin, PeerIsn + 1, LocalIsn + 2));
        h.Single();
        Assert.Equal(TcpState.TimeWait, h.Socket.State);
        return h;
    }

    [Fact]
    public void Syn_beyond_the_old_receive_sequence_is_accepted_with_an_isn_past_the_old_send_sequence()
    {
        var h = InTimeWait();
        var syn = FromPeer(TcpFlags.Syn, PeerIsn + 1_000_000);
        Assert.True(h.Socket.TimeWaitAcceptsSyn(in syn, out uint isn));
        Assert.Equal(LocalIsn + 2 + 65537, isn);                 // tw_snd_nxt + 65535 + 2
    }

    [Fact]
    public void Old_syn_is_refused_and_answered_with_an_ack_of_the_old_connection()
    {
        var h = InTimeWait();
        var syn = FromPeer(TcpFlags.Syn, PeerIsn + 1);           // not beyond RCV.NXT (PeerIsn + 2)
        Assert.False(h.Socket.TimeWaitAcceptsSyn(in syn, out _));
        h.Deliver(syn);
        var (ack, _) = h.Single();
        Assert.Equal(TcpFlags.Ack, ack.Flags);
        Assert.Equal(LocalIsn + 2, ack.SequenceNumber);
        Assert.Equal(PeerIsn + 2, ack.AcknowledgmentNumber);
        Assert.Equal(TcpState.TimeWait, h.Socket.State);
    }

    [Fact]
    public void Syn_with_ack_or_rst_never_reopens()
    {
        var h = InTimeWait();
        Assert.False(h.Socket.TimeWaitAcceptsSyn(FromPeer(TcpFlags.Syn, PeerIsn + 1_000_000, LocalIsn + 2), out _));
        Assert.False(h.Socket.TimeWaitAcceptsSyn(FromPeer(TcpFlags.Syn | TcpFlags.Rst, PeerIsn + 1_000_000), out _));
    }

    [Fact]
    public void Client_reusing_its_only_port_reconnects_at_once_to_a_server_in_time_wait()
    {
        // One ephemeral port: the second connect must reuse the tuple the server still holds in TIME_WAIT.
        var clientOptions = new HostOptions { Tcp = new TcpConfig { EphemeralFirst = 40000, EphemeralLast = 40000 } };
        var n = new StarNet(2, new LinkOptions(LatencyNs: 100_000), options: clientOptions, direct: true);
        var (client, server) = (n[1], n[2]);
        var listener = server.Listen(80);
        n.Sim.Spawn(async () =>
        {
            while (true)
            {
                var s = await listener.AcceptAsync();
                s.Close();                                      // the server closes first: TIME_WAIT is its
            }
        });
        long secondConnectNs = -1;
        TcpState? firstServerState = null;
        n.Sim.Spawn(async () =>
        {
            var a = await client.ConnectAsync(server.Address, 80);
            while (await a.ReceiveAsync(new byte[16]) > 0) { }
            a.Close();
            await n.Sim.Delay(100 * SimTime.Millisecond);
            firstServerState = server.TcpConnectionCount == 1 ? TcpState.TimeWait : null;
            long t0 = n.Sim.Now;
            var b = await client.ConnectAsync(server.Address, 80);
            secondConnectNs = n.Sim.Now - t0;
            Assert.Equal(40000, b.LocalPort);
        });
        n.Sim.RunUntil(5 * SimTime.Second);
        Assert.Equal(TcpState.TimeWait, firstServerState);
        Assert.InRange(secondConnectNs, 0, 10 * SimTime.Millisecond);   // one RTT, not a SYN retransmission (1 s)
        Assert.Equal(1, server.Counters.TimeWaitRecycled);
    }
}
