using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MeshSim.Oracles.Differential;

/// <summary>
/// A case written out as a regression test: <c>groups.txt</c> and <c>flows.txt</c> (ovs-ofctl
/// syntax), <c>packets.txt</c> (one "IN_PORT KIND HEX" per line), <c>real.json</c> (what real OVS
/// did: outputs per packet and port, counters, conntrack, and its NAT hash basis) and, for a divergence,
/// <c>divergence.txt</c>. The test suite replays every stored case through MeshSim and compares it
/// with <c>real.json</c>; no OVS is needed for that.
/// </summary>
public static class RegressionCase
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Writes <paramref name="c"/> with the real side's <paramref name="real"/> into <paramref name="dir"/>.</summary>
    public static void Write(string dir, DiffCase c, Observation real, IReadOnlyList<Divergence>? divergences = null, string? note = null)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllLines(Path.Combine(dir, "groups.txt"), c.GroupLines);
        File.WriteAllLines(Path.Combine(dir, "flows.txt"), c.Flows);
        File.WriteAllLines(Path.Combine(dir, "packets.txt"), c.Packets.Select(p => $"{p.InPort} {p.Kind} {Convert.ToHexStringLower(p.Frame)}"));
        File.WriteAllText(Path.Combine(dir, "real.json"), JsonSerializer.Serialize(new Stored(real.Outputs, real.Flows, real.Groups, real.Conntrack, real.NatHashBasis), Json));
        if (divergences is { Count: > 0 })
        {
            var sb = new StringBuilder();
            if (note is not null) sb.AppendLine(note).AppendLine();
            foreach (var d in divergences) sb.AppendLine(d.ToString());
            File.WriteAllText(Path.Combine(dir, "divergence.txt"), sb.ToString());
        }
    }

    /// <summary>Reads a stored case and its real observation (empty when <c>real.json</c> is not written yet).</summary>
    public static (DiffCase Case, Observation Real) Read(string dir)
    {
        var groups = File.ReadAllLines(Path.Combine(dir, "groups.txt")).Where(l => l.Length > 0).Select(ParseGroup).ToList();
        var flows = File.ReadAllLines(Path.Combine(dir, "flows.txt")).Where(l => l.Length > 0).ToList();
        var packets = File.ReadAllLines(Path.Combine(dir, "packets.txt")).Where(l => l.Length > 0).Select(l =>
        {
            var w = l.Split(' ');
            return new PacketSpec(uint.Parse(w[0], CultureInfo.InvariantCulture), Convert.FromHexString(w[2]), w[1]);
        }).ToList();
        var obs = new Observation();
        var realPath = Path.Combine(dir, "real.json");
        if (!File.Exists(realPath)) return (new DiffCase(groups, flows, packets), obs);   // a new case, not recorded yet
        var s = JsonSerializer.Deserialize<Stored>(File.ReadAllText(realPath))!;
        obs.Outputs.AddRange(s.Outputs);
        foreach (var (k, v) in s.Flows) obs.Flows[k] = v;
        foreach (var (k, v) in s.Groups) obs.Groups[k] = v;
        obs.Conntrack.AddRange(s.Conntrack);
        obs.NatHashBasis = s.NatHashBasis;
        return (new DiffCase(groups, flows, packets), obs);
    }

    /// <summary>Back from <see cref="GroupSpec.ToOvs"/>: buckets split at ",bucket=".</summary>
    private static GroupSpec ParseGroup(string line)
    {
        var parts = line.Split(",bucket=");
        var head = parts[0].Split(',', 3);
        uint id = uint.Parse(head[0]["group_id=".Length..], CultureInfo.InvariantCulture);
        string type = head[1]["type=".Length..];
        return new GroupSpec(id, type, head.Length > 2 ? head[2] : null, parts.Skip(1).ToList());
    }

    private sealed record Stored(
        List<SortedDictionary<uint, List<string>>> Outputs,
        SortedDictionary<ulong, string> Flows,
        SortedDictionary<uint, string> Groups,
        List<string> Conntrack,
        uint NatHashBasis = 0);
}
