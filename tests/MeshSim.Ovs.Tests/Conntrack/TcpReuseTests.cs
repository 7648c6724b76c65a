using MeshSim.Engine;
using MeshSim.Ovs.Conntrack;
using MeshSim.Wire;

namespace MeshSim.Ovs.Tests.Conntrack;

/// <summary>
/// A 4-tuple reused after the old connection closed, with stray segments of the old connection
/// arriving late. The expected verdicts are what OVS 3.1's userspace conntrack gave for the same
/// frames sent by <c>ovs-ofctl packet-out</c> through <c>ct(zone=1,table=1)</c> (+inv dropped, the
/// rest committed), read back with <c>dpctl/dump-conntrack</c>.
/// </summary>
public class TcpReuseTests
{
    private const string C = "10.0.0.1", S = "10.0.0.2";
    private readonly ConnTracker _ct = new(SimRandom.ForStream(1, "ct-reuse"));
    private static readonly TcpOptions SynOptions = new(MaxSegmentSize: 1460, WindowScale: 7);

    private static byte[] Seg(bool fromClient, TcpFlags flags, uint seq, uint ack, TcpOptions options = default)
    {
        var buf = new byte[1600];
        var (src, dst, sp, dp) = fromClient ? (C, S, (ushort)40000, (ushort)80) : (S, C, (ushort)80, (ushort)40000);
        int n = FrameBuilder.Tcp(buf, new EthernetRepr(Packets.MacA, Packets.MacB, 0x0800), new Ipv4Repr(Ipv4Address.Parse(src), Ipv4Address.Parse(dst)),
            new TcpRepr(sp, dp, seq, ack, flags, 64240, options), default);
        return buf[..n];
    }

    /// <summary>The test pipeline: track; drop +inv; commit the rest. Returns the first verdict and the dump state.</summary>
    private (string Verdict, string State) Step(byte[] frame)
    {
        var flow = Packets.Flow(frame);
        var md = default(CtMetadata);
        _ct.Execute(frame, in flow, ref md, new CtRequest(false, false, 1, null), 0);
        var state = md.State;
        if ((state & CtState.Invalid) == 0)
        {
            var md2 = md;
            _ct.Execute(frame, in flow, ref md2, new CtRequest(true, false, 1, null), 0);
        }
        string verdict = (state & CtState.Invalid) != 0 ? "inv" : (state & CtState.New) != 0 ? "new" : "est";
        var conn = Assert.Single(_ct.Connections(0));
        string dump = conn.ToString();
        return (verdict, dump[(dump.IndexOf("state=", StringComparison.Ordinal) + 6)..^1]);
    }

    private void OldConnectionClosedByServer()
    {
        Assert.Equal(("new", "SYN_SENT"), Step(Seg(true, TcpFlags.Syn, 1000, 0, SynOptions)));
        Assert.Equal(("est", "ESTABLISHED"), Step(Seg(false, TcpFlags.Syn | TcpFlags.Ack, 5000, 1001, SynOptions)));
        Assert.Equal(("est", "ESTABLISHED"), Step(Seg(true, TcpFlags.Ack, 1001, 5001)));
        Assert.Equal(("est", "CLOSING"), Step(Seg(false, TcpFlags.Fin | TcpFlags.Ack, 5001, 1001)));
        Assert.Equal(("est", "TIME_WAIT"), Step(Seg(true, TcpFlags.Ack, 1001, 5002)));
        Assert.Equal(("est", "TIME_WAIT"), Step(Seg(true, TcpFlags.Fin | TcpFlags.Ack, 1001, 5002)));
        Assert.Equal(("est", "TIME_WAIT"), Step(Seg(false, TcpFlags.Ack, 5002, 1002)));
    }

    [Fact]
    public void Syn_on_a_closed_tuple_starts_a_new_connection_that_completes()
    {
        OldConnectionClosedByServer();
        Assert.Equal(("new", "SYN_SENT"), Step(Seg(true, TcpFlags.Syn, 100000, 0, SynOptions)));
        Assert.Equal(("est", "ESTABLISHED"), Step(Seg(false, TcpFlags.Syn | TcpFlags.Ack, 900000, 100001, SynOptions)));
        Assert.Equal(("est", "ESTABLISHED"), Step(Seg(true, TcpFlags.Ack, 100001, 900001)));
    }

    [Fact]
    public void Late_server_ack_of_the_old_connection_is_accepted_and_the_new_syn_ack_then_is_invalid()
    {
        // OVS 3.1 takes the stray reply-direction ACK as the responder's first packet (its window
        // is opened from it, the ack-skew check skipped), so it passes and marks the originator
        // established; the real SYN-ACK that follows lies outside that window and is +inv.
        OldConnectionClosedByServer();
        Assert.Equal(("new", "SYN_SENT"), Step(Seg(true, TcpFlags.Syn, 100000, 0, SynOptions)));
        Assert.Equal(("est", "ESTABLISHED"), Step(Seg(false, TcpFlags.Ack, 5002, 1002)));
        Assert.Equal(("inv", "ESTABLISHED"), Step(Seg(false, TcpFlags.Syn | TcpFlags.Ack, 900000, 100001, SynOptions)));
        Assert.Equal(("inv", "ESTABLISHED"), Step(Seg(true, TcpFlags.Ack, 100001, 900001)));
    }

    [Fact]
    public void Late_client_ack_of_the_old_connection_does_not_disturb_the_new_one()
    {
        OldConnectionClosedByServer();
        Assert.Equal(("new", "SYN_SENT"), Step(Seg(true, TcpFlags.Syn, 100000, 0, SynOptions)));
        Assert.Equal(("est", "SYN_SENT"), Step(Seg(true, TcpFlags.Ack, 1001, 5002)));   // loose branch: the responder has not spoken yet
        Assert.Equal(("est", "ESTABLISHED"), Step(Seg(false, TcpFlags.Syn | TcpFlags.Ack, 900000, 100001, SynOptions)));
        Assert.Equal(("est", "ESTABLISHED"), Step(Seg(true, TcpFlags.Ack, 100001, 900001)));
    }

    [Fact]
    public void After_a_late_server_ack_the_tuple_stays_unusable_until_the_entry_expires()
    {
        // What a Linux server in TIME_WAIT does with a SYN it will not accept: it ACKs with the old
        // sequence numbers; the client answers that ACK with a RST and retries the SYN later.
        // Real OVS drops the RST (+inv: not the originator's sequence), takes the retried SYN as
        // +est, and drops the server's ACK and SYN-ACK from then on.
        OldConnectionClosedByServer();
        Assert.Equal(("new", "SYN_SENT"), Step(Seg(true, TcpFlags.Syn, 100000, 0, SynOptions)));
        Assert.Equal(("est", "ESTABLISHED"), Step(Seg(false, TcpFlags.Ack, 5002, 1002)));
        Assert.Equal(("inv", "ESTABLISHED"), Step(Seg(true, TcpFlags.Rst, 1002, 0)));
        Assert.Equal(("est", "ESTABLISHED"), Step(Seg(true, TcpFlags.Syn, 100000, 0, SynOptions)));
        Assert.Equal(("inv", "ESTABLISHED"), Step(Seg(false, TcpFlags.Ack, 5002, 1002)));
        Assert.Equal(("inv", "ESTABLISHED"), Step(Seg(false, TcpFlags.Syn | TcpFlags.Ack, 900000, 100001, SynOptions)));
    }
}
