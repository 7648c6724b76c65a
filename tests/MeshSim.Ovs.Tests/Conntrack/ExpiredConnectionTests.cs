using MeshSim.Engine;
using MeshSim.Ovs.Conntrack;
using MeshSim.Wire;
using static MeshSim.Ovs.Tests.Conntrack.Packets;

namespace MeshSim.Ovs.Tests.Conntrack;

/// <summary>
/// Expired is not removed (OVS 3.1 lib/conntrack.c): an expired connection stays in the table, and a
/// NATed one keeps its reply tuple, until the clean thread's pass reaches it (docs/churn.md).
/// </summary>
public class ExpiredConnectionTests
{
    private const long Sec = 1_000_000_000L;
    private const string Client = "10.0.0.1", Vip = "10.96.0.10", Server = "10.1.0.5";
    private static readonly NatRequest ToServer = NatRequest.From(new NatSpec(NatKind.Destination, Ipv4Address.Parse(Server), null, 8080, 0, NatFlags.None));
    private static readonly NatRequest UnNat = new(NatMode.None, 0, 0, 0, 0);
    private readonly ConnTracker _ct = new(SimRandom.ForStream(1, "ct-expired"));

    private CtState Run(byte[] frame, CtRequest req, long now)
    {
        var md = default(CtMetadata);
        var flow = Flow(frame);
        _ct.Execute(frame, in flow, ref md, in req, now);
        return md.State;
    }

    // The VIP pipeline of scenarios/churn/vip.flows: requests commit with DNAT, replies un-NAT.
    private CtState Request(byte[] f, long now) => Run(f, new CtRequest(true, false, 1, ToServer), now);
    private CtState Reply(byte[] f, long now) => Run(f, new CtRequest(false, false, 1, UnNat), now);

    private static ConnKey ReplyTuple(ushort clientPort) =>
        new(Ipv4Address.Parse(Server).Value, Ipv4Address.Parse(Client).Value, 8080, clientPort, 0, 0, 6, 1);

    // A whole connection from client port 40000, closed by the server first.
    private void ConnectionClosedByServer(long now)
    {
        Request(Tcp(Client, 40000, Vip, 80, TcpFlags.Syn, 1000, 0), now);
        Reply(Tcp(Server, 8080, Client, 40000, TcpFlags.Syn | TcpFlags.Ack, 5000, 1001), now);
        Request(Tcp(Client, 40000, Vip, 80, TcpFlags.Ack, 1001, 5001), now);
        Reply(Tcp(Server, 8080, Client, 40000, TcpFlags.Fin | TcpFlags.Ack, 5001, 1001), now);
        Request(Tcp(Client, 40000, Vip, 80, TcpFlags.Fin | TcpFlags.Ack, 1001, 5002), now);
        Reply(Tcp(Server, 8080, Client, 40000, TcpFlags.Ack, 5002, 1002), now);
        Assert.Equal("TIME_WAIT", Assert.Single(_ct.Connections(now)).DumpState);
    }

    [Fact]
    public void Nat_reply_tuple_of_a_reopened_connection_stays_held_until_the_cleaner_removes_it()
    {
        ConnectionClosedByServer(1 * Sec);
        var old = Assert.Single(_ct.Connections(1 * Sec));

        // The client reuses its port: the SYN expires the closed connection and commits a new one,
        // whose reply tuple cannot be the old one's, so the source port is translated too.
        var syn = Tcp(Client, 40000, Vip, 80, TcpFlags.Syn, 90000, 0);
        Assert.Equal(CtState.Tracked | CtState.New | CtState.DstNat, Request(syn, 2 * Sec));
        Assert.Equal(40001, Flow(syn).TpSrc);
        Assert.True(old.IsExpired(2 * Sec));
        Assert.False(old.IsRemoved);
        Assert.Equal(2, _ct.Count);                                   // dpctl/ct-get-nconns counts both
        Assert.Single(_ct.Connections(2 * Sec));                      // dump-conntrack lists the new one
        Assert.True(_ct.IsTupleTaken(ReplyTuple(40000), 2 * Sec));
        Assert.True(_ct.Snapshot().IsTupleTaken(ReplyTuple(40000), 2 * Sec));

        // A late segment to the old reply tuple finds it, misses its expired parent and is +inv.
        var late = Tcp(Server, 8080, Client, 40000, TcpFlags.Ack, 5002, 1002);
        Assert.Equal(CtState.Tracked | CtState.Invalid, Reply(late, 3 * Sec));

        // The cleaner's pass at 20 s (it started with the tracker, at 0) frees the tuple.
        Assert.True(_ct.IsTupleTaken(ReplyTuple(40000), 20 * Sec - 1));
        Assert.False(_ct.IsTupleTaken(ReplyTuple(40000), 20 * Sec));
        Assert.True(old.IsRemoved);
        Assert.Equal(1, _ct.Count);
        Assert.True(_ct.IsTupleTaken(ReplyTuple(40001), 20 * Sec));  // the new connection's, live
    }

    [Fact]
    public void Expired_connections_count_until_the_pass_every_20_seconds()
    {
        Run(Udp(Client, 5000, Server, 53), new CtRequest(true, false, 0, null), 1 * Sec);   // udp_first: expires at 61 s
        Assert.Empty(_ct.Connections(79 * Sec));
        Assert.Equal(1, _ct.Count);
        _ct.RunCleaner(80 * Sec);
        Assert.Equal(0, _ct.Count);
        Assert.Equal(1, _ct.CleanedConnections);
        Assert.Equal(100 * Sec, _ct.NextCleanNs);
    }

    [Fact]
    public void A_pass_over_its_budget_stops_after_the_list_and_the_next_comes_200_ms_later()
    {
        // n_conn_limit 640: a pass stops after the list in which it walked more than 10 entries.
        // udp_first is 1 s here, so all 30 have expired by the pass at 20 s.
        var policy = new CtTimeoutPolicy(30, 30, 86400, 900, 45, 30, 1, 60, 30, 60, 30);
        var ct = new ConnTracker(SimRandom.ForStream(1, "ct-budget"), policy, maxConnections: 640);
        for (ushort p = 0; p < 30; p++)   // one per expiration list
        {
            var f = Udp(Client, (ushort)(6000 + p), Server, 53);
            var md = default(CtMetadata);
            var flow = Flow(f);
            ct.Execute(f, in flow, ref md, new CtRequest(true, false, 0, null), 1 * Sec);
        }
        ct.RunCleaner(20 * Sec);
        Assert.Equal(19, ct.Count);                   // lists 0-10
        Assert.Equal(20 * Sec + 200_000_000, ct.NextCleanNs);
        ct.RunCleaner(20 * Sec + 200_000_000);
        Assert.Equal(8, ct.Count);                    // from list 10 again: 10-21
        ct.RunCleaner(20 * Sec + 400_000_000);
        Assert.Equal(0, ct.Count);                    // 21-29, under budget: the whole way
        Assert.Equal(40 * Sec + 400_000_000, ct.NextCleanNs);
    }
}
