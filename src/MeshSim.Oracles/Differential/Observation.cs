namespace MeshSim.Oracles.Differential;

/// <summary>
/// What one side (the real bridge or MeshSim) did with a case, in a form both sides can produce:
/// frames per packet and port as hex, counters keyed by flow cookie and group id, and the
/// conntrack table as normalised <c>dpctl/dump-conntrack -m</c> lines.
/// </summary>
public sealed class Observation
{
    /// <summary>Per injected packet: port → frames sent (hex), in order.</summary>
    public List<SortedDictionary<uint, List<string>>> Outputs { get; } = new();

    /// <summary>Flow cookie → "n_packets=P n_bytes=B".</summary>
    public SortedDictionary<ulong, string> Flows { get; } = new();

    /// <summary>Group id → "packet_count=P byte_count=B bucket0=P/B ...".</summary>
    public SortedDictionary<uint, string> Groups { get; } = new();

    /// <summary>The real conntrack's NAT hash basis (learned by <see cref="RealOvs.RealOvsBridge.ProbeNatHashBasis"/>),
    /// with which the model picks the same tuple from a NAT range; 0 for the model's side.</summary>
    public uint NatHashBasis { get; set; }

    /// <summary>Connections, normalised and sorted.</summary>
    public List<string> Conntrack { get; } = new();

    /// <summary>The group counters in the form <see cref="Groups"/> holds.</summary>
    public static string GroupCounters(long packets, long bytes, IEnumerable<(long Packets, long Bytes)> buckets) =>
        $"packet_count={packets} byte_count={bytes}" + string.Concat(buckets.Select((b, i) => $" bucket{i}={b.Packets}/{b.Bytes}"));

    /// <summary>The flow counters in the form <see cref="Flows"/> holds.</summary>
    public static string FlowCounters(long packets, long bytes) => $"n_packets={packets} n_bytes={bytes}";
}
