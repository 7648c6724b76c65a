using System.Globalization;
using System.Text.RegularExpressions;
using MeshSim.Oracles.RealOvs;

namespace MeshSim.Oracles.Differential;

/// <summary>Turns what the real bridge printed into an <see cref="Observation"/>.</summary>
public static partial class RealObservation
{
    /// <summary>Parses the dumps of <paramref name="run"/> (which must have no setup or run error).</summary>
    public static Observation From(RealRun run)
    {
        var obs = new Observation();
        foreach (var perPacket in run.Outputs)
        {
            var d = new SortedDictionary<uint, List<string>>();
            foreach (var (port, frames) in perPacket) d[port] = frames.Select(Convert.ToHexStringLower).ToList();
            obs.Outputs.Add(d);
        }
        foreach (Match m in FlowLine().Matches(run.DumpFlows))
            obs.Flows[ulong.Parse(m.Groups["cookie"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)] =
                Observation.FlowCounters(long.Parse(m.Groups["p"].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups["b"].Value, CultureInfo.InvariantCulture));
        foreach (Match m in GroupLine().Matches(run.DumpGroupStats))
        {
            var buckets = m.Groups["bp"].Captures.Zip(m.Groups["bb"].Captures, (p, b) => (long.Parse(p.Value, CultureInfo.InvariantCulture), long.Parse(b.Value, CultureInfo.InvariantCulture)));
            obs.Groups[uint.Parse(m.Groups["id"].Value, CultureInfo.InvariantCulture)] =
                Observation.GroupCounters(long.Parse(m.Groups["p"].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups["b"].Value, CultureInfo.InvariantCulture), buckets);
        }
        obs.Conntrack.AddRange(run.DumpConntrack.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                                  .Select(NormaliseConntrack).Order(StringComparer.Ordinal));
        return obs;
    }

    /// <summary>Drops what MeshSim does not model: the connection id, the status bits and the TCP
    /// window-tracking flags; keeps zone, mark, labels, NAT tuples and both TCP states.</summary>
    public static string NormaliseConntrack(string line) => Unmodelled().Replace(line, "");

    [GeneratedRegex(@"cookie=0x(?<cookie>[0-9a-f]+),.*?n_packets=(?<p>\d+), n_bytes=(?<b>\d+)")]
    private static partial Regex FlowLine();

    [GeneratedRegex(@"group_id=(?<id>\d+),duration=[^,]*,ref_count=\d+,packet_count=(?<p>\d+),byte_count=(?<b>\d+)(?:,bucket\d+:packet_count=(?<bp>\d+),byte_count=(?<bb>\d+))*")]
    private static partial Regex GroupLine();

    [GeneratedRegex(@"(?<=\)),id=\d+|,status=[^,]*|,flags_orig=[^,)]*|,flags_reply=[^,)]*")]
    private static partial Regex Unmodelled();
}
