using System.Globalization;

namespace MeshSim.Io.Live;

/// <summary>
/// The kernel's own per-interface counters (/sys/class/net/IF/statistics). The live bridge sets
/// them beside what its link handed over, because libpcap's drop counter misses frames lost in its
/// capture ring and a TAP's queue drops silently.
/// </summary>
internal static class InterfaceStatistics
{
    /// <summary>Counter <paramref name="counter"/> (rx_packets, tx_packets, ...) of <paramref name="interfaceName"/>,
    /// or null where sysfs does not have it (not Linux, interface gone).</summary>
    public static long? Read(string interfaceName, string counter)
    {
        try
        {
            var text = File.ReadAllText($"/sys/class/net/{interfaceName}/statistics/{counter}");
            return long.TryParse(text.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
