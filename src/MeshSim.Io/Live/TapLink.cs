using System.ComponentModel;
using System.Net.NetworkInformation;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using SharpPcap;
using SharpPcap.Tunneling;

namespace MeshSim.Io.Live;

/// <summary>
/// A Linux TAP device the link owns: the kernel sees an ordinary Ethernet interface, and every frame
/// it sends there is read here (and every frame written here, it receives). A missing device is
/// created and then opened with SharpPcap's <see cref="TunnelDevice"/> (its tuntap driver attaches
/// and brings it up); a device this link created is made non-persistent once attached, so it
/// disappears with the process however the process ends, and no stale TAP survives a killed run.
/// Reads and writes go straight to the device's file descriptor (one frame per read or write, no
/// allocation), because SharpPcap's own send path copies every frame.
/// </summary>
/// <remarks>SharpPcap opens /dev/net/tun with a <see cref="FileStream"/>, which .NET locks with an
/// exclusive advisory lock (write access without write sharing); every TAP opens that same file, so
/// a process with more than one TAP must turn .NET's file locking off
/// (<c>System.IO.DisableFileLocking</c>, as the meshsim tool does in its runtime configuration).</remarks>
public sealed class TapLink : ILiveLink
{
    private const int IffTap = 0x0002, IffNoPi = 0x1000;
    private const uint TunSetIff = 0x400454ca, TunSetPersist = 0x400454cb;   // _IOW('T', 202/203, int)
    private const int FGetFl = 3, FSetFl = 4, ONonBlock = 0x800, PollIn = 0x1;

    private readonly Device _device;
    private readonly SafeFileHandle _handle;
    private readonly int _fd;
    private readonly byte[] _readBuffer = new byte[65536];
    private readonly long? _handedAtOpen;
    private long? _handedAtStop;
    private Thread? _reader;
    private volatile bool _stopping;
    private bool _stopped;

    /// <summary>Creates TAP <paramref name="name"/> (or attaches to an idle existing one) and opens it.</summary>
    /// <exception cref="InvalidOperationException">Not possible (no /dev/net/tun, not root, the name is taken by
    /// another kind of interface, or another process holds the TAP), with the reason.</exception>
    public TapLink(string name)
    {
        if (name.Length is 0 or > 15) throw new InvalidOperationException($"'{name}': a TAP name has 1 to 15 characters");
        InterfaceName = name;
        bool exists = Directory.Exists($"/sys/class/net/{name}");
        if (exists && !File.Exists($"/sys/class/net/{name}/tun_flags"))
            throw new InvalidOperationException($"'{name}' exists and is not a TAP device");
        if (!exists) Create(name);
        var nic = NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(n => n.Name == name)
            ?? throw new InvalidOperationException($"TAP '{name}' was created but the kernel does not list it");
        _device = new Device(nic);
        try
        {
            try { _device.Open(new DeviceConfiguration()); }
            catch when (!exists)
            {
                Persist(name, false);   // do not leave behind the persistent device made above
                throw;
            }
        }
        catch (Win32Exception ex) when (ex.NativeErrorCode == 16)
        {
            throw new InvalidOperationException($"TAP '{name}' is attached to another process (EBUSY)", ex);
        }
        catch (IOException ex) when (ex.HResult == 11 || ex.Message.Contains("used by another process", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"cannot open TAP '{name}': another TAP of this process holds .NET's lock on /dev/net/tun; set System.IO.DisableFileLocking to true in the application's runtime configuration", ex);
        }
        catch (Exception ex) when (ex is Win32Exception or IOException or UnauthorizedAccessException or PcapException)
        {
            throw new InvalidOperationException($"cannot open TAP '{name}': {ex.Message} (TAP devices need root or CAP_NET_ADMIN)", ex);
        }
        _handle = _device.Handle;
        _fd = (int)_handle.DangerousGetHandle();
        if (!exists) Ioctl(_fd, TunSetPersist, 0, "TUNSETPERSIST");   // lives as long as this descriptor
        if (fcntl(_fd, FSetFl, fcntl(_fd, FGetFl, 0) | ONonBlock) < 0) throw Errno("fcntl(O_NONBLOCK)");
        _handedAtOpen = HandedOver();
    }

    /// <inheritdoc/>
    public string InterfaceName { get; }

    /// <inheritdoc/>
    public void Start(LinkFrameHandler onFrame)
    {
        _reader = new Thread(() => ReadLoop(onFrame)) { IsBackground = true, Name = $"tap {InterfaceName}" };
        _reader.Start();
    }

    private void ReadLoop(LinkFrameHandler onFrame)
    {
        var pfd = new PollFd { Fd = _fd, Events = PollIn };
        while (!_stopping)
        {
            pfd.Revents = 0;
            if (poll(ref pfd, 1, 100) <= 0) continue;   // a timeout lets the loop see _stopping
            while (!_stopping)
            {
                nint n = read(_fd, ref _readBuffer[0], _readBuffer.Length);
                if (n <= 0) break;                           // EAGAIN: the queue is empty
                onFrame(_readBuffer.AsSpan(0, (int)n));
            }
        }
    }

    /// <inheritdoc/>
    public bool TrySend(ReadOnlySpan<byte> frame, out string? error)
    {
        nint n = frame.IsEmpty ? 0 : write(_fd, ref MemoryMarshal.GetReference(frame), frame.Length);
        if (n == frame.Length) { error = null; return true; }
        error = n < 0 ? new Win32Exception(Marshal.GetLastPInvokeError()).Message : $"short write ({n} of {frame.Length} bytes)";
        return false;
    }

    /// <inheritdoc/>
    public long Stop()
    {
        if (_stopped) return 0;
        _stopped = true;
        _stopping = true;
        _reader?.Join();
        long unread = 0;
        while (read(_fd, ref _readBuffer[0], _readBuffer.Length) > 0) unread++;
        _handedAtStop = HandedOver();
        return unread;
    }

    /// <inheritdoc/>
    public long? KernelHandedOver() => (_handedAtStop ?? HandedOver()) - _handedAtOpen;

    // Frames the kernel sent towards the TAP's reader: transmitted, or dropped because its queue was full.
    private long? HandedOver() =>
        InterfaceStatistics.Read(InterfaceName, "tx_packets") + InterfaceStatistics.Read(InterfaceName, "tx_dropped");

    /// <summary>Stops and closes the device; a TAP this link created disappears with it.</summary>
    public void Dispose()
    {
        Stop();
        _device.Close();
    }

    // What `ip tuntap add dev NAME mode tap` does: attach a new descriptor under the name, make it persistent, let go.
    private static void Create(string name) => Persist(name, true);

    // Attaches a descriptor to TAP NAME (creating it when missing) and sets whether it outlives its descriptors.
    private static void Persist(string name, bool persistent)
    {
        SafeFileHandle tun;
        try { tun = File.OpenHandle("/dev/net/tun", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite); }   // no exclusive lock: every TAP opens this one file
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot open /dev/net/tun to create TAP '{name}': {ex.Message} (needs root or CAP_NET_ADMIN)", ex);
        }
        using (tun)
        {
            var ifr = new byte[40];   // struct ifreq: name[16], flags
            Encoding.ASCII.GetBytes(name, ifr);
            BitConverter.TryWriteBytes(ifr.AsSpan(16), (short)(IffTap | IffNoPi));
            int fd = (int)tun.DangerousGetHandle();
            if (ioctl(fd, TunSetIff, ref ifr[0]) < 0) throw Errno($"TUNSETIFF {name}");
            Ioctl(fd, TunSetPersist, persistent ? 1 : 0, "TUNSETPERSIST");
        }
    }

    private static void Ioctl(int fd, uint request, nint arg, string what)
    {
        if (ioctl(fd, request, arg) < 0) throw Errno(what);
    }

    private static InvalidOperationException Errno(string what) =>
        new($"{what}: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");

    /// <summary>SharpPcap's TAP device, with the descriptor it opened made reachable.</summary>
    private sealed class Device(NetworkInterface nic) : TunnelDevice(nic, new IPAddressConfiguration())
    {
        public SafeFileHandle Handle => GetFileHandle();
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [DllImport("libc", SetLastError = true)] private static extern int poll(ref PollFd fds, nuint count, int timeoutMs);
    [DllImport("libc", SetLastError = true)] private static extern nint read(int fd, ref byte buffer, nint count);
    [DllImport("libc", SetLastError = true)] private static extern nint write(int fd, ref byte buffer, nint count);
    [DllImport("libc", SetLastError = true)] private static extern int fcntl(int fd, int command, int arg);
    [DllImport("libc", SetLastError = true)] private static extern int ioctl(int fd, nuint request, ref byte ifreq);
    [DllImport("libc", SetLastError = true)] private static extern int ioctl(int fd, nuint request, nint arg);
}
