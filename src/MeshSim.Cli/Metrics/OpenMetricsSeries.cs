using System.Text;

namespace MeshSim.Cli.Metrics;

/// <summary>
/// Collects Prometheus text expositions scraped at virtual times and writes them as one OpenMetrics
/// text with a timestamp on every sample, the input of <c>promtool tsdb create-blocks-from openmetrics</c>.
/// OpenMetrics wants each family's samples together and in time order, so scrapes are regrouped by
/// family and series; counter families drop the <c>_total</c> suffix as OpenMetrics names them, and a
/// "counter" whose samples lack it (openvswitch_exporter's <c>_masks</c>) becomes "unknown".
/// Families and series keep their first-seen order, so equal scrapes give equal bytes.
/// </summary>
public sealed class OpenMetricsSeries
{
    private sealed class FamilyData(string name)
    {
        public string Name { get; } = name;
        public string Type { get; set; } = "unknown";
        public string Help { get; set; } = "";
        public List<string> SeriesOrder { get; } = [];
        public Dictionary<string, List<(long TimeNs, string Value)>> Samples { get; } = new(StringComparer.Ordinal);
    }

    private readonly List<FamilyData> _families = [];
    private readonly Dictionary<string, FamilyData> _byName = new(StringComparer.Ordinal);
    private long _lastNs = long.MinValue;

    /// <summary>Number of scrapes added.</summary>
    public int Scrapes { get; private set; }

    /// <summary>Adds one scrape taken at virtual time <paramref name="timeNs"/>; times must not go back.</summary>
    public void Add(long timeNs, string exposition)
    {
        if (timeNs < _lastNs) throw new ArgumentException($"scrape at {timeNs} ns is before the previous one at {_lastNs} ns", nameof(timeNs));
        // Two scrapes at one instant (the end of a run that stopped on an interval) keep the later one.
        bool replace = timeNs == _lastNs;
        _lastNs = timeNs;
        Scrapes += replace ? 0 : 1;
        FamilyData? current = null;
        foreach (var line in exposition.Split('\n'))
        {
            if (line.Length == 0) continue;
            if (line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var rest = line[7..];
                int sp = rest.IndexOf(' ');
                var name = sp < 0 ? rest : rest[..sp];
                current = Family(name);
                if (line[2] == 'H') current.Help = sp < 0 ? "" : rest[(sp + 1)..];
                else current.Type = sp < 0 ? "unknown" : rest[(sp + 1)..];
                continue;
            }
            if (line[0] == '#') continue;
            int end = line.LastIndexOf(' ');
            var series = line[..end];
            var value = line[(end + 1)..];
            var family = current ?? Family(SampleName(series));
            if (!family.Samples.TryGetValue(series, out var list))
            {
                family.Samples[series] = list = [];
                family.SeriesOrder.Add(series);
            }
            if (replace && list.Count > 0 && list[^1].TimeNs == timeNs) list[^1] = (timeNs, value);
            else list.Add((timeNs, value));
        }
    }

    /// <summary>The OpenMetrics text, ending with <c># EOF</c>; <paramref name="labels"/> go first on every
    /// sample (so runs that share series names, such as the two meshes of an experiment cell, import into one TSDB).</summary>
    public string Render(params (string Name, string Value)[] labels)
    {
        var prefix = string.Join(",", labels.Select(l => $"{l.Name}=\"{l.Value.Replace("\\", "\\\\").Replace("\"", "\\\"")}\""));
        var sb = new StringBuilder();
        foreach (var f in _families)
        {
            if (f.SeriesOrder.Count == 0) continue;
            bool counter = f.Type == "counter" && f.Name.EndsWith("_total", StringComparison.Ordinal);
            var type = counter ? "counter" : f.Type == "counter" ? "unknown" : f.Type;
            var name = counter ? f.Name[..^"_total".Length] : f.Name;
            sb.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            if (f.Help.Length > 0) sb.Append("# HELP ").Append(name).Append(' ').Append(f.Help).Append('\n');
            foreach (var s in f.SeriesOrder)
            {
                var series = WithLabels(s, prefix);
                foreach (var (t, v) in f.Samples[s])
                    sb.Append(series).Append(' ').Append(v).Append(' ').Append(Seconds(t)).Append('\n');
            }
        }
        return sb.Append("# EOF\n").ToString();
    }

    /// <summary>Virtual nanoseconds as OpenMetrics seconds with millisecond precision (Prometheus keeps milliseconds).</summary>
    public static string Seconds(long ns) => $"{ns / 1_000_000_000}.{ns / 1_000_000 % 1000:D3}";

    private FamilyData Family(string name)
    {
        if (!_byName.TryGetValue(name, out var f))
        {
            _byName[name] = f = new FamilyData(name);
            _families.Add(f);
        }
        return f;
    }

    private static string WithLabels(string series, string prefix)
    {
        if (prefix.Length == 0) return series;
        int brace = series.IndexOf('{');
        if (brace < 0) return series + "{" + prefix + "}";
        return series.EndsWith("{}", StringComparison.Ordinal) ? series[..brace] + "{" + prefix + "}" : series[..(brace + 1)] + prefix + "," + series[(brace + 1)..];
    }

    private static string SampleName(string series)
    {
        int brace = series.IndexOf('{');
        return brace < 0 ? series : series[..brace];
    }
}
