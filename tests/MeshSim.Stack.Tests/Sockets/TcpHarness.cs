using MeshSim.Engine;
using MeshSim.Stack.Sockets;
using MeshSim.Wire;

namespace MeshSim.Stack.Tests.Sockets;

/// <summary>
/// Drives one <see cref="TcpSocket"/> with reprs and records what it emits (smoltcp's send!/recv!
/// macros). Local 10.0.0.1:49152, remote 10.0.0.2:80; local ISN fixed so expectations are literal.
/// </summary>
internal sealed class TcpHarness : ITcpSegmentSink
{
    public const uint LocalIsn = 1000, PeerIsn = 5000;
    public static readonly Ipv4Address Local = Ipv4Address.Parse("10.0.0.1"), Remote = Ipv4Address.Parse("10.0.0.2");

    public readonly Simulator Sim = new(1);
    public readonly List<(TcpRepr Segment, byte[] Payload)> Sent = new();
    public readonly TcpSocket Socket;
    public bool Closed, Established;

    public TcpHarness(TcpConfig? config = null, int mss = 1460)
    {
        Socket = new TcpSocket(Sim, this, config ?? new TcpConfig(), mss, Local, 49152, Remote, 80, LocalIsn);
    }

    /// <summary>A segment from the peer: ports filled in, ACK flag when an ack number is given.</summary>
    public static TcpRepr FromPeer(TcpFlags flags, uint seq, uint? ack = null, ushort window = 65535, TcpOptions options = default) =>
        new(80, 49152, seq, ack ?? 0, flags | (ack is null ? 0 : TcpFlags.Ack), window, options);

    public void Deliver(in TcpRepr seg, byte[]? payload = null)
    {
        Socket.Input(in seg, payload ?? []);
        Sim.RunUntil(Sim.Now);          // run zero-delay wake-ups
    }

    /// <summary>Advances virtual time, running timers.</summary>
    public void Advance(long ns) => Sim.RunUntil(Sim.Now + ns);

    public (TcpRepr Segment, byte[] Payload) Single()
    {
        Assert.True(Sent.Count == 1, $"expected one segment, got {Sent.Count}: {string.Join(" | ", Sent.Select(s => s.Segment))}");
        var s = Sent[0];
        Sent.Clear();
        return s;
    }

    public List<(TcpRepr Segment, byte[] Payload)> Take()
    {
        var all = Sent.ToList();
        Sent.Clear();
        return all;
    }

    /// <summary>Completes an active open: SYN out, SYN-ACK in (peer MSS 1460, wscale 7), ACK out.</summary>
    public static TcpHarness Established_(TcpConfig? config = null, ushort peerWindow = 65535, byte? peerScale = 7)
    {
        var h = new TcpHarness(config);
        _ = h.Socket.Connect();
        h.Single();
        h.Deliver(FromPeer(TcpFlags.Syn, PeerIsn, LocalIsn + 1, peerWindow, new TcpOptions(MaxSegmentSize: 1460, WindowScale: peerScale)));
        h.Single();
        Assert.Equal(TcpState.Established, h.Socket.State);
        return h;
    }

    void ITcpSegmentSink.SendSegment(Ipv4Address local, Ipv4Address remote, in TcpRepr segment, ReadOnlySpan<byte> payload)
    {
        Assert.Equal(Local, local);
        Assert.Equal(Remote, remote);
        Sent.Add((segment, payload.ToArray()));
    }

    void ITcpSegmentSink.OnSocketClosed(TcpSocket socket) => Closed = true;
    void ITcpSegmentSink.OnSocketEstablished(TcpSocket socket) => Established = true;
}
