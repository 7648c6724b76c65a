namespace MeshSim.Ovs;

/// <summary>OpenFlow group types.</summary>
public enum GroupType : byte
{
    /// <summary><c>all</c>: every bucket gets a copy.</summary>
    All,
    /// <summary><c>select</c>: one bucket, chosen by hash and weight.</summary>
    Select,
    /// <summary><c>indirect</c>: exactly one bucket.</summary>
    Indirect,
    /// <summary><c>fast_failover</c> (printed <c>ff</c>): the first live bucket.</summary>
    FastFailover,
}

/// <summary>
/// One bucket of a group. <see cref="BucketId"/> is assigned in order from 0 when the text gives none,
/// as OVS does; <see cref="Weight"/> defaults to 1 for select groups (0 elsewhere);
/// <see cref="WatchPort"/>/<see cref="WatchGroup"/> default to "none".
/// </summary>
public sealed record Bucket(uint BucketId, ushort Weight, uint WatchPort, uint WatchGroup, IReadOnlyList<OvsAction> Actions)
{
    /// <summary>No watch port (OFPP_ANY in the OpenFlow 1.1+ 32-bit numbering).</summary>
    public const uint NoWatchPort = 0xffffffff;
    /// <summary>No watch group (OFPG_ANY).</summary>
    public const uint NoWatchGroup = 0xffffffff;
}

/// <summary>
/// A group as <c>ovs-ofctl -O OpenFlow15 add-group</c> describes it.
/// </summary>
/// <param name="GroupId">The group id.</param>
/// <param name="Type">The group type.</param>
/// <param name="SelectionMethod">For select groups: <c>"dp_hash"</c>, <c>"hash"</c>, or null for OVS's default.</param>
/// <param name="SelectionMethodParam">The 64-bit <c>selection_method_param</c> (hash basis), 0 by default.</param>
/// <param name="Fields">For <c>selection_method=hash</c>: the fields hashed (<c>fields(ip_src,tcp_dst)</c>), with masks; empty otherwise.</param>
/// <param name="Buckets">The buckets in order.</param>
public sealed record GroupEntry(
    uint GroupId,
    GroupType Type,
    string? SelectionMethod,
    ulong SelectionMethodParam,
    IReadOnlyList<FieldMatch> Fields,
    IReadOnlyList<Bucket> Buckets)
{
    /// <summary>The group as <c>ovs-ofctl -O OpenFlow15 dump-groups</c> prints it.</summary>
    public override string ToString() => OvsFormatter.FormatGroup(this);
}
