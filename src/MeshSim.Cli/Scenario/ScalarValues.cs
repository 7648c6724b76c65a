using System.Globalization;

namespace MeshSim.Cli.Scenario;

/// <summary>Units a scenario writes values in: durations ("50us", "2ms", "1.5s"), rates ("1Gbps"), sizes ("4KB").</summary>
public static class ScalarValues
{
    /// <summary>Parses a duration into nanoseconds: a number followed directly by ns, us, ms, s or m.</summary>
    public static bool TryDuration(string text, out long ns) => TryScaled(text, out ns, ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000));

    /// <summary>Parses a bit rate into bits/s: bps, Kbps, Mbps, Gbps (decimal multiples), or 0 for unlimited.</summary>
    public static bool TryRate(string text, out long bps) =>
        TryScaled(text, out bps, ("bps", 1), ("Kbps", 1_000), ("kbps", 1_000), ("Mbps", 1_000_000), ("Gbps", 1_000_000_000)) || (text == "0" && (bps = 0) == 0);

    /// <summary>Parses a byte size: B, KB, MB (binary multiples: 1KB = 1024 B), or a plain integer.</summary>
    public static bool TrySize(string text, out long bytes) =>
        TryScaled(text, out bytes, ("B", 1), ("KB", 1024), ("MB", 1024 * 1024)) || long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out bytes);

    /// <summary>Formats nanoseconds the way a person reads them ("2.5ms").</summary>
    public static string FormatDuration(long ns) => ns switch
    {
        >= 1_000_000_000 => $"{ns / 1e9:0.###}s",
        >= 1_000_000 => $"{ns / 1e6:0.###}ms",
        >= 1_000 => $"{ns / 1e3:0.###}us",
        _ => $"{ns}ns",
    };

    private static bool TryScaled(string text, out long value, params (string Suffix, long Scale)[] units)
    {
        value = 0;
        // Longest suffix first, so "ms" is not read as "m" + "s".
        foreach (var (suffix, scale) in units.OrderByDescending(u => u.Suffix.Length))
        {
            if (!text.EndsWith(suffix, StringComparison.Ordinal)) continue;
            var number = text.AsSpan(0, text.Length - suffix.Length);
            if (number.Length == 0 || !char.IsAsciiDigit(number[0])) return false;
            if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d)) return false;
            // decimal multiplication throws beyond ~7.9e28; a number that large is no value of ours anyway.
            if (d > long.MaxValue / (decimal)scale + 1) return false;
            var scaled = d * scale;
            if (scaled != decimal.Truncate(scaled) || scaled > long.MaxValue) return false;
            value = (long)scaled;
            return true;
        }
        return false;
    }
}
