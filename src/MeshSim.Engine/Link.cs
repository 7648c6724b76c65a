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

    /// <summary>Throws when a field is out of range, naming the field and the expectation.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative latency, rate or queue, or a loss rate outside [0, 1].</exception>
    public void Validate()
    {
        if (LatencyNs < 0) throw new ArgumentOutOfRangeException(nameof(LatencyNs), LatencyNs, "link latency must be >= 0 ns");
        if (BitsPerSecond < 0) throw new ArgumentOutOfRangeException(nameof(BitsPerSecond), BitsPerSecond, "link rate must be >= 0 bit/s (0 = unlimited)");
        if (QueueFrames < 0) throw new ArgumentOutOfRangeException(nameof(QueueFrames), QueueFrames, "link queue must be >= 0 frames");
        if (!(LossRate >= 0 && LossRate <= 1)) throw new ArgumentOutOfRangeException(nameof(LossRate), LossRate, "link loss rate must be in [0, 1]");
    }
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

    private readonly LinkChannel _ab, _ba;
    private LinkOptions _options;
    internal IFrameTap[] Taps = [];

    internal Link(Network network, Port a, Port b, LinkOptions options)
    {
        options.Validate();
        if (ReferenceEquals(a, b)) throw new ArgumentException($"cannot link port {a} to itself");
        if (a.Link is not null) throw new InvalidOperationException($"port {a} is already linked");
        if (b.Link is not null) throw new InvalidOperationException($"port {b} is already linked");
        if (a.Owner.Network != network || b.Owner.Network != network) throw new ArgumentException("both ports must belong to this network");
        Network = network;
        A = a; B = b; _options = options;
        a.Link = this; b.Link = this;
        var loss = network.Sim.Random($"link/{a}-{b}/loss");
        _ab = new LinkChannel(this, a, b, loss);
        _ba = new LinkChannel(this, b, a, loss);
    }

    /// <summary>The network this link belongs to.</summary>
    public Network Network { get; }
    /// <summary>First end.</summary>
    public Port A { get; }
    /// <summary>Second end.</summary>
    public Port B { get; }

    /// <summary>Latency, rate, queue and loss. A change applies to frames that start onto the wire afterwards.</summary>
    public LinkOptions Options
    {
        get => _options;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            _options = value;
        }
    }

    /// <summary>Administrative state ("link s1 h2 down").</summary>
    public bool IsUp { get; private set; } = true;

    /// <summary>Bumped each time the link goes down, so frames that were in flight then are lost even
    /// if the link is up again by the time they would arrive.</summary>
    internal long Epoch { get; private set; }

    /// <summary>Frames dropped at a full queue, both directions.</summary>
    public long QueueDrops => _ab.QueueDrops + _ba.QueueDrops;
    /// <summary>Frames lost on the wire (loss rate), both directions.</summary>
    public long LossDrops => _ab.LossDrops + _ba.LossDrops;
    /// <summary>Frames lost because the link or the receiving port was down, both directions.</summary>
    public long DownDrops => _ab.DownDrops + _ba.DownDrops;

    /// <summary>Frames waiting to be serialised at <paramref name="from"/> (not counting the one on the wire).</summary>
    public int QueuedFrames(Port from) => ChannelFrom(from).Waiting;

    /// <summary>Name used for captures: "h1-eth0_s1-eth1".</summary>
    public string Name => $"{A.Name}_{B.Name}";

    /// <summary>The other end of the link from <paramref name="port"/>.</summary>
    public Port PeerOf(Port port) => ReferenceEquals(port, A) ? B : A;

    /// <summary>Adds a tap that sees every frame this link transmits and delivers, in both directions.</summary>
    public void AddTap(IFrameTap tap)
    {
        ArgumentNullException.ThrowIfNull(tap);
        Taps = [.. Taps, tap];
    }

    /// <summary>Removes a tap added with <see cref="AddTap"/>; returns false if it was not there.</summary>
    public bool RemoveTap(IFrameTap tap)
    {
        int i = Array.IndexOf(Taps, tap);
        if (i < 0) return false;
        Taps = [.. Taps[..i], .. Taps[(i + 1)..]];
        return true;
    }

    /// <summary>Brings the link up or down. Going down loses every frame queued or in flight.</summary>
    public void SetUp(bool up)
    {
        if (IsUp == up) return;
        IsUp = up;
        if (!up) LoseCarrier();
        A.Owner.OnPortStateChanged(A);
        B.Owner.OnPortStateChanged(B);
    }

    /// <summary>No carrier (the link or a port at either end went down): every frame queued, being
    /// serialised or in flight is lost.</summary>
    internal void LoseCarrier()
    {
        Epoch++;
        _ab.DropWaiting();
        _ba.DropWaiting();
    }

    /// <summary>Nanoseconds to clock out a frame of <paramref name="frameLength"/> bytes (without FCS) at
    /// <paramref name="bitsPerSecond"/>, with Ethernet's framing overhead and minimum size, rounded up.</summary>
    public static long SerialisationNs(int frameLength, long bitsPerSecond)
    {
        if (bitsPerSecond <= 0) return 0;
        long wireBytes = Math.Max(frameLength + 4, 64) + EthernetOverheadBytes - 4;
        return (long)(((UInt128)(ulong)wireBytes * 8_000_000_000UL + (ulong)bitsPerSecond - 1) / (ulong)bitsPerSecond);
    }

    internal void Transmit(Port from, Frame frame) => ChannelFrom(from).Enqueue(frame);

    private LinkChannel ChannelFrom(Port from) => ReferenceEquals(from, A) ? _ab : _ba;

    internal void Tap(Port port, TapDirection direction, Frame frame)
    {
        long now = Network.Sim.Now;
        foreach (var t in Taps) t.OnFrame(now, port, direction, frame.Data);
    }
}
