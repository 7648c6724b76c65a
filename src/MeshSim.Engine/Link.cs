namespace MeshSim.Engine;

/// <summary>Properties of a link, the same in both directions.</summary>
/// <param name="LatencyNs">Propagation delay.</param>
/// <param name="BitsPerSecond">Line rate; 0 means infinitely fast (no serialisation delay, no queueing).</param>
/// <param name="QueueFrames">Drop-tail limit: frames waiting to be serialised, excluding the one on the wire.</param>
/// <param name="LossRate">Probability in [0, 1] that a frame is lost on the wire.</param>
public sealed record LinkOptions(long LatencyNs = 50_000, long BitsPerSecond = 1_000_000_000, int QueueFrames = 1000, double LossRate = 0)
{
    /// <summary>1 Gbit/s, 50 µs, 1000 frames of queue, no loss.</summary>
    public static readonly LinkOptions Default = new();
}

/// <summary>
/// A full-duplex point-to-point link: two independent channels. Each channel serialises one frame
/// at a time at the line rate (Ethernet overhead included: preamble+SFD 8, FCS 4, inter-frame gap
/// 12 bytes, minimum frame 64 bytes with FCS), then delivers it after the propagation delay.
/// Frames waiting beyond <see cref="LinkOptions.QueueFrames"/> are dropped at the tail and counted.
/// </summary>
public sealed class Link
{
    /// <summary>Bytes on the wire besides the frame: preamble+SFD (8), FCS (4), inter-frame gap (12).</summary>
    public const int EthernetOverheadBytes = 24;

    private readonly Channel _ab, _ba;
    private IFrameTap[] _taps = [];

    internal Link(Network network, Port a, Port b, LinkOptions options)
    {
        if (a.Link is not null) throw new InvalidOperationException($"port {a} is already linked");
        if (b.Link is not null) throw new InvalidOperationException($"port {b} is already linked");
        Network = network;
        A = a; B = b; Options = options;
        a.Link = this; b.Link = this;
        var loss = network.Sim.Random($"link/{a}-{b}/loss");
        _ab = new Channel(this, a, b, loss);
        _ba = new Channel(this, b, a, loss);
    }

    /// <summary>The network this link belongs to.</summary>
    public Network Network { get; }
    /// <summary>First end.</summary>
    public Port A { get; }
    /// <summary>Second end.</summary>
    public Port B { get; }
    /// <summary>Latency, rate, queue and loss.</summary>
    public LinkOptions Options { get; set; }
    /// <summary>Administrative state ("link s1 h2 down").</summary>
    public bool IsUp { get; private set; } = true;

    /// <summary>Frames dropped at a full queue and lost on the wire, both directions.</summary>
    public long QueueDrops => _ab.QueueDrops + _ba.QueueDrops;
    /// <inheritdoc cref="QueueDrops"/>
    public long LossDrops => _ab.LossDrops + _ba.LossDrops;

    /// <summary>Name used for captures: "h1-eth0_s1-eth1".</summary>
    public string Name => $"{A.Name}_{B.Name}";

    /// <summary>The other end of the link from <paramref name="port"/>.</summary>
    public Port PeerOf(Port port) => ReferenceEquals(port, A) ? B : A;

    /// <summary>Adds a tap that sees every frame as it starts onto the wire, in either direction.</summary>
    public void AddTap(IFrameTap tap) => _taps = [.. _taps, tap];

    /// <summary>Brings the link up or down; frames in flight on a link going down are lost.</summary>
    public void SetUp(bool up)
    {
        if (IsUp == up) return;
        IsUp = up;
        A.Owner.OnPortStateChanged(A);
        B.Owner.OnPortStateChanged(B);
    }

    internal void Transmit(Port from, Frame frame) => (ReferenceEquals(from, A) ? _ab : _ba).Enqueue(frame);

    private void Tap(Port from, Frame frame)
    {
        foreach (var t in _taps) t.OnFrame(Network.Sim.Now, this, from, frame.Data);
    }

    /// <summary>One direction. Events: arg 0 = serialisation finished, arg 1 = frame arrives at the far end.</summary>
    private sealed class Channel : IEventHandler
    {
        private readonly Link _link;
        private readonly Port _from, _to;
        private readonly SimRandom _loss;
        private readonly Queue<Frame> _waiting = new();
        private Frame? _onWire;
        public long QueueDrops, LossDrops;

        public Channel(Link link, Port from, Port to, SimRandom loss)
        {
            _link = link; _from = from; _to = to; _loss = loss;
        }

        public void Enqueue(Frame frame)
        {
            var options = _link.Options;
            if (options.BitsPerSecond == 0)
            {
                StartOnWire(frame, serialisationNs: 0);
                return;
            }
            if (_onWire is null)
            {
                StartOnWire(frame, SerialisationNs(frame.Length, options.BitsPerSecond));
                return;
            }
            if (_waiting.Count >= options.QueueFrames)
            {
                QueueDrops++;
                _from.TxDropped++;
                _link.Network.NotifyDropped(_from, frame.Data, DropReason.QueueFull);
                frame.Release();
                return;
            }
            _waiting.Enqueue(frame);
        }

        /// <summary>Nanoseconds to clock out a frame, rounded up, with Ethernet's framing overhead.</summary>
        public static long SerialisationNs(int frameLength, long bitsPerSecond)
        {
            long wireBytes = Math.Max(frameLength + 4, 64) + EthernetOverheadBytes - 4;
            return (wireBytes * 8 * 1_000_000_000L + bitsPerSecond - 1) / bitsPerSecond;
        }

        private void StartOnWire(Frame frame, long serialisationNs)
        {
            _from.TxPackets++;
            _from.TxBytes += frame.Length;
            var net = _link.Network;
            if (_link._taps.Length != 0) _link.Tap(_from, frame);
            if (net.Observed) net.NotifySent(_from, frame.Data);
            if (serialisationNs == 0)
            {
                Propagate(frame);
                return;
            }
            _onWire = frame;
            net.Sim.Schedule(serialisationNs, this, 0, null);
        }

        private void Propagate(Frame frame)
        {
            var options = _link.Options;
            if (options.LossRate > 0 && _loss.NextDouble() < options.LossRate)
            {
                LossDrops++;
                _link.Network.NotifyDropped(_from, frame.Data, DropReason.LinkLoss);
                frame.Release();
                return;
            }
            _link.Network.Sim.Schedule(options.LatencyNs, this, 1, frame);
        }

        public void OnEvent(Simulator sim, long arg, object? state)
        {
            if (arg == 0)
            {
                var frame = _onWire!;
                _onWire = null;
                Propagate(frame);
                if (_waiting.Count > 0)
                {
                    var next = _waiting.Dequeue();
                    StartOnWire(next, SerialisationNs(next.Length, _link.Options.BitsPerSecond));
                }
                return;
            }
            var arrived = (Frame)state!;
            if (!_link.IsUp || !_to.AdminUp)
            {
                _link.Network.NotifyDropped(_to, arrived.Data, DropReason.LinkDown);
                arrived.Release();
                return;
            }
            _to.Deliver(arrived);
        }
    }
}

/// <summary>Sees every frame a link carries, as it starts onto the wire (a pcap writer, a fault injector's log).</summary>
public interface IFrameTap
{
    /// <summary>Called with the exact bytes; <paramref name="from"/> is the sending end.</summary>
    void OnFrame(long timeNs, Link link, Port from, ReadOnlySpan<byte> frame);
}
