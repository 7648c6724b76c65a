using System.Globalization;

namespace MeshSim.Io.Live;

/// <summary>
/// The kernel's own per-interface counters (/sys/class/net/IF/statistics). The live bridge sets
/// them beside what libpcap handed over, because libpcap's drop counter misses frames lost in its
/// capture ring.
/// </summary>
internal static class InterfaceStatistics
{
    /// <summary>rx_packets of <paramref name="interfaceName"/>, or null where sysfs does not have it (not Linux).</summary>
    public static long? RxPackets(string interfaceName)
    {
        try
        {
            var text = File.ReadAllText($"/sys/class/net/{interfaceName}/statistics/rx_packets");
            return long.TryParse(text.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
