using System.Runtime.InteropServices;
using SharpPcap.LibPcap;

namespace MeshSim.Io.Live;

/// <summary>
/// libpcap's <c>pcap_setdirection(handle, PCAP_D_IN)</c>, which SharpPcap does not wrap. The live
/// bridge must not read back what it injects; the obvious way, the BPF filter "inbound", makes
/// libpcap on Linux swallow the first frame that arrives after the filter is set (measured: one
/// frame lost per bridge, every time), while the direction setting is checked in libpcap's read
/// loop and loses nothing.
/// </summary>
internal static class PcapDirection
{
    private const int PcapDirectionIn = 1;   // PCAP_D_IN

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int SetDirection(IntPtr handle, int direction);

    private static readonly Lazy<SetDirection?> Native = new(Load);

    private static SetDirection? Load()
    {
        foreach (var name in new[] { "libpcap.so.1", "libpcap.so.0.8", "libpcap.so", "libpcap.dylib", "wpcap" })
            if (NativeLibrary.TryLoad(name, out var lib) && NativeLibrary.TryGetExport(lib, "pcap_setdirection", out var fn))
                return Marshal.GetDelegateForFunctionPointer<SetDirection>(fn);
        return null;
    }

    /// <summary>Keeps only frames the interface received; false when libpcap cannot (then the caller falls back to a filter).</summary>
    public static bool InboundOnly(LibPcapLiveDevice device)
    {
        if (Native.Value is not { } set) return false;
        bool added = false;
        try
        {
            device.Handle.DangerousAddRef(ref added);
            return set(device.Handle.DangerousGetHandle(), PcapDirectionIn) == 0;
        }
        finally
        {
            if (added) device.Handle.DangerousRelease();
        }
    }
}
