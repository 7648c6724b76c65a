using System.Buffers;
using System.Collections.Concurrent;
using MeshSim.Engine;

namespace MeshSim.Io.Live;

/// <summary>
/// A one-port node whose other side is a real Linux interface (<see cref="ILiveLink"/>: a veth end
/// read with libpcap, or a TAP device): frames the simulation sends to it go to the kernel, frames
/// the kernel hands over enter the simulation through its port. Every frame the kernel handed over
/// ends in exactly one counter (see <see cref="Counters"/>): delivered into the simulation, dropped at
/// the bounded inbox because the simulation thread could not keep up, too large, still queued when
/// the bridge stopped, or never read by the link (the gap between the kernel's own count and what
/// the link delivered). The bridge never loses a frame silently, and allocates nothing per frame.
/// </summary>
public sealed class LiveBridge : Node, IDisposable
{
    private readonly ILiveLink _link;
    private readonly RealTimeLoop _loop;
    private readonly int _inboxLimit;
    private int _inboxDepth;
    private long _seen, _oversize, _unreadAtStop;
    private bool _stopped;
    private readonly ConcurrentQueue<(byte[] Buffer, int Length)> _inbox = new();
    private readonly Action _deliverOne;

    /// <summary>Bridges to the existing interface <paramref name="interfaceName"/> through libpcap (<see cref="PcapLink"/>).</summary>
    /// <exception cref="InvalidOperationException">The interface does not exist or cannot be opened (permissions).</exception>
    public LiveBridge(Network network, string name, string interfaceName, RealTimeLoop loop, int inboxLimit = 4096)
        : this(network, name, new PcapLink(interfaceName), loop, inboxLimit) { }

    /// <summary>Creates the node with port 1 over <paramref name="link"/>, which it owns from now on.</summary>
    public LiveBridge(Network network, string name, ILiveLink link, RealTimeLoop loop, int inboxLimit = 4096) : base(network, name)
    {
        _link = link;
        _loop = loop;
        _inboxLimit = inboxLimit;
        _deliverOne = DeliverOne;
        Port = AddPort(1, $"{name}-{link.InterfaceName}");
        link.Start(OnFrame);
    }

    /// <summary>The simulated side.</summary>
    public Port Port { get; }

    /// <summary>The interface's name.</summary>
    public string InterfaceName => _link.InterfaceName;

    /// <summary>Frames captured on the interface and delivered into the simulation.</summary>
    public long Captured;
    /// <summary>Frames sent by the simulation and injected on the interface.</summary>
    public long Injected;
    /// <summary>Frames captured while the inbox was full: lost, and counted.</summary>
    public long InboxDrops;
    /// <summary>Injections the kernel refused (interface down, frame too large).</summary>
    public long InjectErrors;

    /// <summary>
    /// A reading of every counter. Thread-safe. While the bridge runs, frames on their way through
    /// the link count as capture loss; after <see cref="Dispose"/> the figures are final.
    /// </summary>
    public LiveBridgeCounters Counters()
    {
        long seen = Interlocked.Read(ref _seen);
        long? rx = _link.KernelHandedOver();
        return new LiveBridgeCounters(
            Received: rx ?? seen,
            CaptureLoss: rx is { } r ? Math.Max(0, r - seen) : 0,
            Seen: seen,
            Captured: Interlocked.Read(ref Captured),
            InboxDrops: Interlocked.Read(ref InboxDrops),
            OversizeDrops: Interlocked.Read(ref _oversize),
            Undelivered: Volatile.Read(ref _inboxDepth) + Interlocked.Read(ref _unreadAtStop),
            Injected: Interlocked.Read(ref Injected),
            InjectErrors: Interlocked.Read(ref InjectErrors));
    }

    private void OnFrame(ReadOnlySpan<byte> data)
    {
        Interlocked.Increment(ref _seen);
        if (Interlocked.Increment(ref _inboxDepth) > _inboxLimit)
        {
            Interlocked.Decrement(ref _inboxDepth);
            Interlocked.Increment(ref InboxDrops);
            return;
        }
        // The link reuses its buffer: copy into a pooled one before crossing threads. The queue and
        // the cached delegate make the hand-over allocation-free.
        var buffer = ArrayPool<byte>.Shared.Rent(data.Length);
        data.CopyTo(buffer);
        _inbox.Enqueue((buffer, data.Length));
        _loop.Post(_deliverOne);
    }

    /// <summary>On the simulation thread: one captured frame into the simulation.</summary>
    private void DeliverOne()
    {
        if (!_inbox.TryDequeue(out var item)) return;
        Interlocked.Decrement(ref _inboxDepth);
        try
        {
            var bytes = item.Buffer.AsSpan(0, item.Length);
            if (item.Length > Frame.MaxLength)
            {
                Interlocked.Increment(ref _oversize);
                Network.NotifyDropped(Port, bytes, DropReason.Malformed, $"{Name}: {item.Length}-byte frame exceeds {Frame.MaxLength}");
                return;
            }
            Interlocked.Increment(ref Captured);
            var frame = Network.Frames.Rent(bytes);
            frame.Id = Network.NextFrameId();
            Port.Send(frame);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(item.Buffer);
        }
    }

    /// <inheritdoc/>
    protected override void Receive(Port port, Frame frame)
    {
        try
        {
            if (_link.TrySend(frame.Data, out var error)) Interlocked.Increment(ref Injected);
            else
            {
                Interlocked.Increment(ref InjectErrors);
                Network.NotifyDropped(port, frame.Data, DropReason.LinkDown, $"{Name}: inject failed: {error}");
            }
        }
        finally
        {
            frame.Release();
        }
    }

    /// <summary>
    /// Stops the link. Frames it had not read yet are counted as undelivered, and the kernel's
    /// figures are kept, so <see cref="Counters"/> stays complete.
    /// </summary>
    public void Dispose()
    {
        if (_stopped) return;
        _stopped = true;
        // Frames the link still held were handed over but never delivered: seen and undelivered, once.
        long unread = _link.Stop();
        Interlocked.Add(ref _seen, unread);
        Interlocked.Add(ref _unreadAtStop, unread);
        _link.Dispose();
    }
}
