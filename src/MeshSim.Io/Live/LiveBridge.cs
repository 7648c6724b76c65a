using System.Buffers;
using System.Collections.Concurrent;
using MeshSim.Engine;
using SharpPcap;
using SharpPcap.LibPcap;

namespace MeshSim.Io.Live;

/// <summary>
/// A one-port node whose other side is a real Linux interface (a veth end, a TAP): frames the
/// simulation sends to it are injected on the interface, frames received on the interface enter
/// the simulation through its port. Capture uses libpcap through SharpPcap, set to the inbound
/// direction (see <see cref="PcapDirection"/>), so the bridge never reads back what it injected.
/// Every frame the interface receives ends in exactly one counter (see <see cref="Counters"/>):
/// delivered into the simulation, dropped at the bounded inbox because the simulation thread
/// could not keep up, too large, still queued when the bridge stopped, or never handed over by
/// libpcap (capture ring overflow: the gap between the kernel's rx_packets of the interface and
/// what libpcap delivered, since libpcap's own drop counter misses these). The bridge never loses
/// a frame silently.
/// </summary>
public sealed class LiveBridge : Node, IDisposable
{
    private readonly LibPcapLiveDevice _device;
    private readonly RealTimeLoop _loop;
    private readonly int _inboxLimit;
    private int _inboxDepth;
    private long _seen, _oversize, _unreadAtStop;
    private readonly ConcurrentQueue<(byte[] Buffer, int Length)> _inbox = new();
    private readonly Action _deliverOne;
    private readonly string _interface;
    private readonly long? _rxAtOpen;
    private long? _rxAtStop;

    /// <summary>Opens <paramref name="interfaceName"/> and creates the node with port 1.</summary>
    /// <exception cref="InvalidOperationException">The interface does not exist or cannot be opened (permissions).</exception>
    public LiveBridge(Network network, string name, string interfaceName, RealTimeLoop loop, int inboxLimit = 4096) : base(network, name)
    {
        _loop = loop;
        _inboxLimit = inboxLimit;
        _deliverOne = DeliverOne;
        Port = AddPort(1, $"{name}-{interfaceName}");
        _device = LibPcapLiveDeviceList.New().FirstOrDefault(d => d.Name == interfaceName)
            ?? throw new InvalidOperationException($"interface '{interfaceName}' not found (known: {string.Join(", ", LibPcapLiveDeviceList.New().Select(d => d.Name).Order(StringComparer.Ordinal))})");
        try
        {
            // A 32 MiB ring instead of libpcap's 2 MiB: a burst waits there for the capture thread
            // instead of overflowing it (with the default, a 3000-frame burst lost about half).
            _device.Open(new DeviceConfiguration { Mode = DeviceModes.Promiscuous, ReadTimeout = 1, Immediate = true, Snaplen = 65535, BufferSize = 32 << 20 });
            if (!PcapDirection.InboundOnly(_device)) _device.Filter = "inbound";
            _interface = interfaceName;
            _rxAtOpen = InterfaceStatistics.RxPackets(interfaceName);
        }
        catch (PcapException ex)
        {
            throw new InvalidOperationException($"cannot open '{interfaceName}' for capture: {ex.Message} (live bridging needs root or CAP_NET_RAW)", ex);
        }
        _device.OnPacketArrival += OnCaptured;
        _device.StartCapture();
    }

    /// <summary>The simulated side.</summary>
    public Port Port { get; }

    /// <summary>Frames captured on the interface and delivered into the simulation.</summary>
    public long Captured;
    /// <summary>Frames sent by the simulation and injected on the interface.</summary>
    public long Injected;
    /// <summary>Frames captured while the inbox was full: lost, and counted.</summary>
    public long InboxDrops;
    /// <summary>Injections libpcap refused (interface down, frame too large).</summary>
    public long InjectErrors;

    /// <summary>
    /// A reading of every counter. Thread-safe. While the bridge runs, frames on their way through
    /// the capture ring count as capture loss; after <see cref="Dispose"/> the figures are final.
    /// </summary>
    public LiveBridgeCounters Counters()
    {
        long seen = Interlocked.Read(ref _seen);
        long? rx = (_rxAtStop ?? InterfaceStatistics.RxPackets(_interface)) - _rxAtOpen;
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

    private void OnCaptured(object sender, PacketCapture e)
    {
        Interlocked.Increment(ref _seen);
        if (Interlocked.Increment(ref _inboxDepth) > _inboxLimit)
        {
            Interlocked.Decrement(ref _inboxDepth);
            Interlocked.Increment(ref InboxDrops);
            return;
        }
        // The capture buffer is reused by libpcap: copy into a pooled buffer before crossing
        // threads. The queue and the cached delegate make the hand-over allocation-free.
        var data = e.Data;
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
            _device.SendPacket(frame.Data, null);
            Interlocked.Increment(ref Injected);
        }
        catch (PcapException ex)
        {
            Interlocked.Increment(ref InjectErrors);
            Network.NotifyDropped(port, frame.Data, DropReason.LinkDown, $"{Name}: inject failed: {ex.Message}");
        }
        finally
        {
            frame.Release();
        }
    }

    /// <summary>
    /// Stops capturing and closes the interface. Frames the capture thread had not read yet are read
    /// and counted as undelivered, and the kernel's figures are kept, so <see cref="Counters"/> stays complete.
    /// </summary>
    public void Dispose()
    {
        if (!_device.Opened) return;
        try { _device.StopCapture(); } catch (PcapException) { }
        try
        {
            while (_device.GetNextPacket(out _) == GetPacketStatus.PacketRead) Interlocked.Increment(ref _unreadAtStop);
        }
        catch (PcapException) { }
        _rxAtStop = InterfaceStatistics.RxPackets(_interface);
        _device.Close();
    }
}
