namespace MeshSim.Oracles.Differential;

/// <summary>An OpenFlow group as the generator writes it (OpenFlow 1.5 syntax of ovs-ofctl).</summary>
/// <param name="Id">group_id.</param>
/// <param name="Type">all, select, indirect or fast_failover.</param>
/// <param name="Selection">For select groups: the selection_method clause (e.g. <c>selection_method=dp_hash</c>), or null for the default.</param>
/// <param name="Buckets">Each bucket's text after <c>bucket=</c>.</param>
public sealed record GroupSpec(uint Id, string Type, string? Selection, IReadOnlyList<string> Buckets)
{
    /// <summary>The group in <c>ovs-ofctl -O OpenFlow15 add-group</c> syntax.</summary>
    public string ToOvs() =>
        $"group_id={Id},type={Type}" + (Selection is null ? "" : "," + Selection) + string.Concat(Buckets.Select(b => ",bucket=" + b));
}

/// <summary>One frame injected into the bridge.</summary>
/// <param name="InPort">The port it arrives on.</param>
/// <param name="Frame">The Ethernet frame, checksums included.</param>
/// <param name="Kind">What it is, for the distribution and the regression files (e.g. <c>tcp-syn</c>, <c>arp-request</c>).</param>
public sealed record PacketSpec(uint InPort, byte[] Frame, string Kind);

/// <summary>
/// A test case: a pipeline (groups and flows in ovs-ofctl syntax; every flow carries a unique
/// cookie so counters can be matched flow by flow) and a packet sequence.
/// </summary>
public sealed record DiffCase(IReadOnlyList<GroupSpec> Groups, IReadOnlyList<string> Flows, IReadOnlyList<PacketSpec> Packets)
{
    /// <summary>Number of bridge ports the case uses (1..N).</summary>
    public const int PortCount = 4;

    /// <summary>The groups in ovs-ofctl syntax.</summary>
    public IReadOnlyList<string> GroupLines => Groups.Select(g => g.ToOvs()).ToList();

    /// <summary>The packets as (in_port, frame) pairs.</summary>
    public IReadOnlyList<(uint InPort, byte[] Frame)> Frames => Packets.Select(p => (p.InPort, p.Frame)).ToList();

    /// <summary>Size used to order shrink candidates: smaller is simpler.</summary>
    public int Size => Flows.Count + Packets.Count * 2 + Groups.Sum(g => g.Buckets.Count + 1);
}
