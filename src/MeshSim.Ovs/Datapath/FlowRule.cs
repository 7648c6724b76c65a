namespace MeshSim.Ovs.Datapath;

/// <summary>An installed flow: the entry as written plus its counters and timestamps (virtual ns).</summary>
public sealed class FlowRule(FlowEntry entry, long installedNs)
{
    /// <summary>The flow as added.</summary>
    public FlowEntry Entry { get; } = entry;

    /// <summary>When it was added (duration is measured from here).</summary>
    public long InstalledNs { get; } = installedNs;

    /// <summary>Last time a packet hit it (idle_age and idle_timeout count from here).</summary>
    public long LastUsedNs { get; internal set; } = installedNs;

    /// <summary>n_packets.</summary>
    public long Packets { get; internal set; }

    /// <summary>n_bytes.</summary>
    public long Bytes { get; internal set; }

    /// <summary>True once its idle or hard timeout has passed at <paramref name="nowNs"/>.</summary>
    public bool IsExpired(long nowNs) =>
        (Entry.HardTimeout != 0 && nowNs >= InstalledNs + Entry.HardTimeout * 1_000_000_000L)
        || (Entry.IdleTimeout != 0 && nowNs >= LastUsedNs + Entry.IdleTimeout * 1_000_000_000L);
}
