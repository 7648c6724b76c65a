using SharpPcap;
using SharpPcap.LibPcap;

namespace MeshSim.Io.Live;

/// <summary>
/// An existing interface (a veth end) through libpcap: captures set to the inbound direction (see
/// <see cref="PcapDirection"/>), so what the link injects is never read back, with a 32 MiB ring.
/// What the kernel handed over is the interface's rx_packets: libpcap's own drop counter misses
/// frames lost in its ring.
/// </summary>
public sealed class PcapLink : ILiveLink
{
    private readonly LibPcapLiveDevice _device;
    private readonly long? _rxAtOpen;
    private long? _rxAtStop;
    private LinkFrameHandler? _onFrame;

    /// <summary>Opens <paramref name="interfaceName"/>.</summary>
    /// <exception cref="InvalidOperationException">It does not exist or cannot be opened (permissions).</exception>
    public PcapLink(string interfaceName)
    {
        InterfaceName = interfaceName;
        _device = LibPcapLiveDeviceList.New().FirstOrDefault(d => d.Name == interfaceName)
            ?? throw new InvalidOperationException($"interface '{interfaceName}' not found (known: {string.Join(", ", LibPcapLiveDeviceList.New().Select(d => d.Name).Order(StringComparer.Ordinal))})");
        try
        {
            // A 32 MiB ring instead of libpcap's 2 MiB: a burst waits there for the capture thread
            // instead of overflowing it (with the default, a 3000-frame burst lost about half).
            _device.Open(new DeviceConfiguration { Mode = DeviceModes.Promiscuous, ReadTimeout = 1, Immediate = true, Snaplen = 65535, BufferSize = 32 << 20 });
            if (!PcapDirection.InboundOnly(_device)) _device.Filter = "inbound";
            _rxAtOpen = InterfaceStatistics.Read(interfaceName, "rx_packets");
        }
        catch (PcapException ex)
        {
            throw new InvalidOperationException($"cannot open '{interfaceName}' for capture: {ex.Message} (live bridging needs root or CAP_NET_RAW)", ex);
        }
    }

    /// <inheritdoc/>
    public string InterfaceName { get; }

    /// <inheritdoc/>
    public void Start(LinkFrameHandler onFrame)
    {
        _onFrame = onFrame;
        _device.OnPacketArrival += (_, e) => _onFrame(e.Data);
        _device.StartCapture();
    }

    /// <inheritdoc/>
    public bool TrySend(ReadOnlySpan<byte> frame, out string? error)
    {
        try
        {
            _device.SendPacket(frame, null);
            error = null;
            return true;
        }
        catch (PcapException ex)
        {
            error = ex.Message;
            return false;
        }
    }

    /// <inheritdoc/>
    public long Stop()
    {
        if (!_device.Opened) return 0;
        long unread = 0;
        try { _device.StopCapture(); } catch (PcapException) { }
        try
        {
            while (_device.GetNextPacket(out _) == GetPacketStatus.PacketRead) unread++;
        }
        catch (PcapException) { }
        _rxAtStop = InterfaceStatistics.Read(InterfaceName, "rx_packets");
        _device.Close();
        return unread;
    }

    /// <inheritdoc/>
    public long? KernelHandedOver() => (_rxAtStop ?? InterfaceStatistics.Read(InterfaceName, "rx_packets")) - _rxAtOpen;

    /// <inheritdoc/>
    public void Dispose() => Stop();
}
