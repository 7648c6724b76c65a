using SharpPcap;
using SharpPcap.LibPcap;

namespace MeshSim.Oracles.RealOvs;

/// <summary>
/// Captures what a real bridge sends out of one port: libpcap on the far end of the port's veth
/// pair. Reading is pull-based (no capture thread) so a run reads exactly up to a marker frame and
/// never waits longer than the deadline it is given.
/// </summary>
public sealed class PortCapture : IDisposable
{
    private readonly LibPcapLiveDevice _device;

    /// <summary>Opens <paramref name="interfaceName"/> for capture (needs root or CAP_NET_RAW).</summary>
    public PortCapture(string interfaceName)
    {
        _device = LibPcapLiveDeviceList.New().FirstOrDefault(d => d.Name == interfaceName)
                  ?? throw new InvalidOperationException($"interface '{interfaceName}' not found");
        _device.Open(new DeviceConfiguration { Mode = DeviceModes.Promiscuous, ReadTimeout = 1, Immediate = true, Snaplen = 65535, BufferSize = 8 << 20 });
        // Non-blocking: with a read timeout libpcap still waits up to half a second for an empty ring.
        _device.NonBlockingMode = true;
    }

    /// <summary>The next captured frame, or null when none is waiting.</summary>
    public byte[]? Next() => _device.GetNextPacket(out var e) == GetPacketStatus.PacketRead ? e.Data.ToArray() : null;

    /// <summary>Throws away whatever is waiting (leftovers of an aborted run).</summary>
    public int Drain()
    {
        int n = 0;
        while (Next() is not null) n++;
        return n;
    }

    /// <inheritdoc/>
    public void Dispose() => _device.Close();
}
