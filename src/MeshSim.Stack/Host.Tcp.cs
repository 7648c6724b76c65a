using MeshSim.Engine;
using MeshSim.Stack.Async;
using MeshSim.Stack.Iface;
using MeshSim.Stack.Sockets;
using MeshSim.Wire;

namespace MeshSim.Stack;

// TCP: demultiplexing by 4-tuple, listeners, RST for closed ports, ephemeral ports, segment output.
public sealed partial class Host
{
    private readonly record struct ConnKey(Ipv4Address Local, ushort LocalPort, Ipv4Address Remote, ushort RemotePort);

    private readonly Dictionary<ConnKey, TcpSocket> _tcp = new();
    private readonly Dictionary<ushort, TcpListener> _listeners = new();
    private readonly IsnGenerator _isn;
    private readonly TcpSink _tcpSink;
    private ushort _nextEphemeral;
    private LinuxPortChooser? _linuxPorts;

    /// <summary>Open connections (any state but CLOSED), for inspection.</summary>
    public int TcpConnectionCount => _tcp.Count;

    /// <summary>Listens on <paramref name="port"/> on all addresses.</summary>
    public TcpListener Listen(ushort port, int backlog = 128)
    {
        if (port == 0) throw new ArgumentOutOfRangeException(nameof(port), "TCP port 0 cannot be listened on");
        if (_listeners.ContainsKey(port)) throw new InvalidOperationException($"{Name}: TCP port {port} is already listening");
        var l = new TcpListener(Sim, Ipv4Address.Any, port, backlog) { Stopped = x => _listeners.Remove(x.Port) };
        _listeners.Add(port, l);
        return l;
    }

    /// <summary>Opens a connection; completes when ESTABLISHED, or fails with <see cref="TcpException"/>.</summary>
    public async SimTask<TcpSocket> ConnectAsync(Ipv4Address remote, ushort port)
    {
        if (IsLocalAddress(remote))
            throw new TcpException(TcpError.NetworkUnreachable, $"{Name}: {remote} is this host's own address; loopback is not modelled");
        if (!TryRoute(remote, out var iface, out _))
            throw new TcpException(TcpError.NetworkUnreachable, $"{Name}: no route to {remote}");
        var local = iface.Address;
        ushort localPort = AllocateEphemeral(local, remote, port);
        var socket = NewSocket(iface, local, localPort, remote, port);
        await socket.Connect();
        return socket;
    }

    private TcpSocket NewSocket(NetInterface iface, Ipv4Address local, ushort localPort, Ipv4Address remote, ushort remotePort, uint? isn = null)
    {
        uint iss = isn ?? _isn.Next(local, localPort, remote, remotePort, Sim.Now);
        var s = new TcpSocket(Sim, _tcpSink, Options.Tcp, iface.Mtu - 40, local, localPort, remote, remotePort, iss,
                              _isn.TimestampOffset(local, remote));
        _tcp.Add(new ConnKey(local, localPort, remote, remotePort), s);
        return s;
    }

    private ushort AllocateEphemeral(Ipv4Address local, Ipv4Address remote, ushort remotePort)
    {
        if (Options.Tcp.PortChoice == EphemeralPortChoice.Linux)
        {
            _linuxPorts ??= new LinuxPortChooser(Sim.Random($"host/{Name}/tcp-ports"));
            return _linuxPorts.Choose(local, remote, remotePort, Options.Tcp.EphemeralFirst, Options.Tcp.EphemeralLast,
                       p => !_listeners.ContainsKey(p) && !_tcp.ContainsKey(new ConnKey(local, p, remote, remotePort)))
                   ?? throw new TcpException(TcpError.NoPortAvailable, $"{Name}: no free ephemeral port towards {remote}:{remotePort}");
        }
        int first = Options.Tcp.EphemeralFirst, count = Options.Tcp.EphemeralLast - first + 1;
        for (int i = 0; i < count; i++)
        {
            ushort p = _nextEphemeral;
            _nextEphemeral = (ushort)(p >= Options.Tcp.EphemeralLast ? first : p + 1);
            if (!_listeners.ContainsKey(p) && !_tcp.ContainsKey(new ConnKey(local, p, remote, remotePort))) return p;
        }
        throw new TcpException(TcpError.NoPortAvailable, $"{Name}: no free ephemeral port towards {remote}:{remotePort}");
    }

    private void TcpInput(NetInterface iface, Frame frame, Ipv4View ip)
    {
        if (!TcpView.TryCreate(ip.Payload, out var view, out var err) ||
            !TcpRepr.TryParse(view, ip.Source, ip.Destination, ChecksumMode.Verify, out var seg, out err))
        {
            Drop(iface.Port, frame, ref (err.Field == "tcp.checksum" ? ref Counters.BadChecksum : ref Counters.Malformed), err.At(14 + ip.HeaderLength).ToString());
            return;
        }
        if ((seg.Flags & TcpFlags.Rst) != 0) Counters.TcpInRsts++;
        var key = new ConnKey(ip.Destination, seg.DestinationPort, ip.Source, seg.SourcePort);
        bool syn = (seg.Flags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) == TcpFlags.Syn;
        uint? isn = null;
        if (_tcp.TryGetValue(key, out var socket))
        {
            // A SYN that TIME_WAIT lets through goes to the listener as a fresh one, as in Linux
            // (TCP_TW_SYN); without a listener it is ACKed like any other segment in TIME_WAIT.
            if (!(syn && socket.TimeWaitAcceptsSyn(in seg, out uint twIsn) && _listeners.ContainsKey(seg.DestinationPort)))
            {
                socket.Input(in seg, view.Payload);
                return;
            }
            socket.ReleaseTimeWait();
            Counters.TimeWaitRecycled++;
            isn = twIsn;
        }

        if (syn && _listeners.TryGetValue(seg.DestinationPort, out var listener))
        {
            if (!listener.HasRoom) return;  // backlog full: drop the SYN silently, the client retries
            var child = NewSocket(iface, ip.Destination, seg.DestinationPort, ip.Source, seg.SourcePort, isn);
            child.Listener = listener;
            listener.OnHalfOpen();
            child.AcceptSyn(in seg);
            return;
        }
        if ((seg.Flags & TcpFlags.Rst) != 0) return;          // never answer a RST
        // RFC 9293 3.10.7.1: no connection. RST answers, so the peer learns at once.
        Counters.TcpResetsSent++;
        TcpRepr rst = (seg.Flags & TcpFlags.Ack) != 0
            ? new TcpRepr(seg.DestinationPort, seg.SourcePort, seg.AcknowledgmentNumber, 0, TcpFlags.Rst, 0)
            : new TcpRepr(seg.DestinationPort, seg.SourcePort, 0, seg.SequenceNumber + (uint)seg.SegmentLength(view.Payload.Length), TcpFlags.Rst | TcpFlags.Ack, 0);
        SendTcp(ip.Destination, ip.Source, in rst, default);
    }

    internal void SendTcp(Ipv4Address local, Ipv4Address remote, in TcpRepr segment, ReadOnlySpan<byte> payload)
    {
        if (!TryRoute(remote, out var iface, out var nextHop)) { Counters.NoRoute++; return; }
        if ((segment.Flags & TcpFlags.Rst) != 0) Counters.TcpOutRsts++;
        var mac = PreResolve(iface, nextHop);
        var frame = RentFrame();
        // DF set on TCP like Linux (path MTU discovery); identification still counts up.
        var ip = new Ipv4Repr(local, remote, Ttl: Options.DefaultTtl, Identification: NextIpId(), DontFragment: true);
        frame.Length = FrameBuilder.Tcp(frame.Buffer, new EthernetRepr(iface.Mac, mac, EtherType.Ipv4), ip, segment, payload);
        Transmit(iface, nextHop, frame, mac);
    }

    /// <summary>The socket-facing side of the host, kept off the host's public surface.</summary>
    private sealed class TcpSink(Host host) : ITcpSegmentSink
    {
        public void SendSegment(Ipv4Address local, Ipv4Address remote, in TcpRepr segment, ReadOnlySpan<byte> payload) =>
            host.SendTcp(local, remote, in segment, payload);

        public void OnSocketClosed(TcpSocket socket)
        {
            var key = new ConnKey(socket.LocalAddress, socket.LocalPort, socket.RemoteAddress, socket.RemotePort);
            if (host._tcp.TryGetValue(key, out var s) && ReferenceEquals(s, socket)) host._tcp.Remove(key);
            if (socket.Listener is { } l) { socket.Listener = null; l.OnHalfOpenGone(); }
        }

        public void OnSocketEstablished(TcpSocket socket) => socket.Listener?.OnEstablished(socket);

        public void OnSynRetransmitted(TcpSocket socket) => host.Counters.TcpSynRetransmits++;
    }
}
