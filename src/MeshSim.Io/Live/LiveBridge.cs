using MeshSim.Engine;
using SharpPcap;
using SharpPcap.LibPcap;

namespace MeshSim.Io.Live;

/// <summary>
/// A one-port node whose other side is a real Linux interface (a veth end, a TAP): frames the
/// simulation sends to it are injected on the interface, frames received on the interface enter
/// the simulation through its port. Capture uses libpcap through SharpPcap with the "inbound"
/// filter, so the bridge never reads back what it injected.
/// Frames the simulation thread cannot take fast enough are dropped at a bounded inbox and
/// counted (<see cref="InboxDrops"/>): the bridge never loses frames silently.
/// </summary>
public sealed class LiveBridge : Node, IDisposable
{
    private readonly LibPcapLiveDevice _device;
    private readonly RealTimeLoop _loop;
    private readonly int _inboxLimit;
    private int _inboxDepth;

    /// <summary>Opens <paramref name="interfaceName"/> and creates the node with port 1.</summary>
    /// <exception cref="InvalidOperationException">The interface does not exist or cannot be opened (permissions).</exception>
    public LiveBridge(Network network, string name, string interfaceName, RealTimeLoop loop, int inboxLimit = 4096) : base(network, name)
    {
        _loop = loop;
        _inboxLimit = inboxLimit;
        Port = AddPort(1, $"{name}-{interfaceName}");
        _device = LibPcapLiveDeviceList.New().FirstOrDefault(d => d.Name == interfaceName)
            ?? throw new InvalidOperationException($"interface '{interfaceName}' not found (known: {string.Join(", ", LibPcapLiveDeviceList.New().Select(d => d.Name).Order(StringComparer.Ordinal))})");
        try
        {
            _device.Open(new DeviceConfiguration { Mode = DeviceModes.Promiscuous, ReadTimeout = 1, Immediate = true, Snaplen = 65535 });
            _device.Filter = "inbound";
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

    private void OnCaptured(object sender, PacketCapture e)
    {
        if (Interlocked.Increment(ref _inboxDepth) > _inboxLimit)
        {
            Interlocked.Decrement(ref _inboxDepth);
            Interlocked.Increment(ref InboxDrops);
            return;
        }
        var bytes = e.Data.ToArray();   // the capture buffer is reused by libpcap: copy before crossing threads
        _loop.Post(() =>
        {
            Interlocked.Decrement(ref _inboxDepth);
            if (bytes.Length > Frame.MaxLength) { Network.NotifyDropped(Port, bytes, DropReason.Malformed, $"{Name}: {bytes.Length}-byte frame exceeds {Frame.MaxLength}"); return; }
            Interlocked.Increment(ref Captured);
            var frame = Network.Frames.Rent(bytes);
            frame.Id = Network.NextFrameId();
            Port.Send(frame);
        });
    }

    /// <inheritdoc/>
    protected override void Receive(Port port, Frame frame)
    {
        try
        {
            _device.SendPacket(frame.Data, null);
            Injected++;
        }
        catch (PcapException ex)
        {
            InjectErrors++;
            Network.NotifyDropped(port, frame.Data, DropReason.LinkDown, $"{Name}: inject failed: {ex.Message}");
        }
        finally
        {
            frame.Release();
        }
    }

    /// <summary>Stops capturing and closes the interface.</summary>
    public void Dispose()
    {
        try { _device.StopCapture(); } catch (PcapException) { }
        _device.Close();
    }
}
