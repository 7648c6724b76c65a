using MeshSim.Stack.Sockets;
using MeshSim.Wire;
using static MeshSim.Stack.Tests.Sockets.TcpHarness;
using static MeshSim.Stack.Tests.Sockets.TcpOptionNegotiationTests;

namespace MeshSim.Stack.Tests.Sockets;

/// <summary>SACK blocks sent for out-of-order data and the sender's RFC 6675 recovery.</summary>
public class TcpSackTests
{
    private const int Mss = 1448;

    [Fact]
    public void Out_of_order_data_is_sacked_most_recent_block_first_three_beside_timestamps()
    {
        var h = EstablishedWithOptions();
        uint b = PeerIsn + 1;
        var blocks = new List<TcpSackBlocks>();
        foreach (uint at in new uint[] { 1000, 3000, 5000, 7000, 3500 })   // holes before each; the last extends 3000
        {
            h.Deliver(Data(b + at, 200), new byte[500]);
            blocks.Add(h.Single().Segment.Options.Sack);
        }
        Assert.Equal("1001-1501", Rel(blocks[0], b));
        Assert.Equal("3001-3501 1001-1501", Rel(blocks[1], b));
        Assert.Equal("7001-7501 5001-5501 3001-3501", Rel(blocks[3], b));     // four held, three fit
        Assert.Equal("3001-4001 7001-7501 5001-5501", Rel(blocks[4], b));     // the extended block moves to the front
        h.Deliver(Data(b, 200), new byte[1000]);                              // fills the first hole: 1001-1501 joins
        Assert.Equal("3001-4001 7001-7501 5001-5501", Rel(h.Single().Segment.Options.Sack, b));
        Assert.Equal(1500, h.Socket.BytesAvailable);
    }

    [Fact]
    public void A_duplicate_segment_is_reported_once_as_a_dsack_block()
    {
        var h = EstablishedWithOptions();
        uint b = PeerIsn + 1;
        h.Deliver(Data(b, 200), new byte[1000]);
        h.Deliver(Data(b, 200), new byte[1000]);                      // old data again
        var acks = h.Take();
        var last = acks[^1].Segment;
        Assert.Equal(1, last.Options.Sack.Count);
        Assert.Equal((b, b + 1000), last.Options.Sack[0]);            // below the ACK: a D-SACK (RFC 2883)
        h.Deliver(Data(b + 1000, 200), new byte[10]);
        h.Advance(40_000_000);
        Assert.Equal(0, h.Single().Segment.Options.Sack.Count);       // reported once only
    }

    [Fact]
    public void Three_sacked_segments_retransmit_only_the_hole()
    {
        var h = EstablishedWithOptions();
        uint una = LocalIsn + 1;
        _ = h.Socket.SendAsync(new byte[8 * Mss]);
        Assert.Equal(8, h.Take().Count);                              // initial window is 10 segments
        // Segment 0 is lost; 1, 2, 3 arrive: each ACK SACKs more.
        for (int i = 1; i <= 3; i++)
            h.Deliver(Sack(una, (una + Mss, una + (uint)((i + 1) * Mss))));
        var re = h.Take();
        Assert.Equal(una, re[0].Segment.SequenceNumber);
        Assert.Equal(Mss, re[0].Payload.Length);
        Assert.Equal(1, h.Socket.Stats.FastRetransmits);
        Assert.DoesNotContain(re, s => s.Segment.SequenceNumber == una + Mss);   // SACKed bytes are never resent
    }

    [Fact]
    public void Holes_are_retransmitted_first_lowest_first_within_pipe()
    {
        var h = EstablishedWithOptions();
        uint una = LocalIsn + 1;
        _ = h.Socket.SendAsync(new byte[10 * Mss]);
        Assert.Equal(10, h.Take().Count);
        uint S(int i) => una + (uint)(i * Mss);
        // Segments 0 and 3 lost; 1-2 and 4-9 arrive.
        h.Deliver(Sack(una, (S(1), S(2))));
        h.Deliver(Sack(una, (S(1), S(3))));
        h.Deliver(Sack(una, (S(4), S(5)), (S(1), S(3))));
        var first = h.Take();
        Assert.Equal(new[] { una }, first.Select(s => s.Segment.SequenceNumber));   // IsLost(una): > 2 MSS SACKed above
        for (int i = 6; i <= 10; i++) h.Deliver(Sack(una, (S(4), S(i)), (S(1), S(3))));
        var more = h.Take().Select(s => s.Segment.SequenceNumber).ToList();
        Assert.Equal(S(3), more[0]);                                   // the second hole before anything new
        Assert.Equal(2, h.Socket.Stats.Retransmissions);
        // The retransmissions arrive: everything is acknowledged and recovery ends at cwnd = ssthresh.
        h.Deliver(FromPeer(TcpFlags.None, PeerIsn + 1, S(10), options: new TcpOptions(Timestamp: (101u, 0u))));
        Assert.Equal(0, h.Socket.BytesUnacknowledged);
        Assert.Equal(5 * Mss, h.Socket.CongestionWindow);              // half of the 10 segments in flight
    }

    [Fact]
    public void Timeout_resends_only_what_was_not_sacked()
    {
        var h = EstablishedWithOptions();
        uint una = LocalIsn + 1;
        _ = h.Socket.SendAsync(new byte[4 * Mss]);
        h.Take();
        h.Deliver(Sack(una, (una + Mss, una + 2 * (uint)Mss)));      // one SACKed segment: not enough for recovery
        h.Take();
        h.Advance(h.Socket.RetransmissionTimeoutNs);
        var first = h.Single();                                        // cwnd 1 segment: the head
        Assert.Equal(una, first.Segment.SequenceNumber);
        h.Deliver(Sack(una + (uint)Mss, (una + Mss, una + 2 * (uint)Mss)));
        var next = h.Take().Select(s => s.Segment.SequenceNumber).ToList();
        Assert.Equal(new[] { una + 2 * (uint)Mss, una + 3 * (uint)Mss }, next);   // segment 1 skipped
    }

    [Fact]
    public void Without_sack_the_peer_gets_newreno()
    {
        var h = Established_();                                        // peer offered neither
        Assert.False(h.Socket.SackEnabled);
        _ = h.Socket.SendAsync(new byte[5 * 1460]);
        Assert.All(h.Take(), s => Assert.Equal(0, s.Segment.Options.Length));
    }

    private static TcpRepr Sack(uint ack, params (uint L, uint R)[] blocks)
    {
        var b = default(TcpSackBlocks);
        foreach (var (l, r) in blocks) b = b.Append(l, r);
        return FromPeer(TcpFlags.None, PeerIsn + 1, ack, options: new TcpOptions(Timestamp: (101u, 0u), Sack: b));
    }

    private static string Rel(TcpSackBlocks b, uint basis) =>
        string.Join(' ', Enumerable.Range(0, b.Count).Select(i => $"{b[i].Left - basis + 1}-{b[i].Right - basis + 1}"));
}
