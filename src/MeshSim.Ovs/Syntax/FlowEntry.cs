namespace MeshSim.Ovs;

/// <summary>Flags of a flow_mod that OVS keeps with the flow and prints in dumps.</summary>
[Flags]
public enum FlowFlags : byte
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary><c>send_flow_rem</c>.</summary>
    SendFlowRemoved = 1,
    /// <summary><c>check_overlap</c> (not kept by OVS; refused adds only).</summary>
    CheckOverlap = 2,
    /// <summary><c>reset_counts</c>.</summary>
    ResetCounts = 4,
    /// <summary><c>no_packet_counts</c>.</summary>
    NoPacketCounts = 8,
    /// <summary><c>no_byte_counts</c>.</summary>
    NoByteCounts = 16,
}

/// <summary>
/// One OpenFlow flow as <c>ovs-ofctl add-flow</c> describes it. Defaults are OVS's: table 0,
/// priority 32768, cookie 0, no timeouts. <see cref="Actions"/> empty means drop.
/// </summary>
public sealed record FlowEntry(
    byte Table,
    ushort Priority,
    ulong Cookie,
    ushort IdleTimeout,
    ushort HardTimeout,
    Match Match,
    IReadOnlyList<OvsAction> Actions)
{
    /// <summary>OVS's default priority (OFP_DEFAULT_PRIORITY), not printed in dumps.</summary>
    public const ushort DefaultPriority = 0x8000;

    /// <summary>The cookie mask (only meaningful for modify/delete; 0 for adds).</summary>
    public ulong CookieMask { get; init; }

    /// <summary><c>importance=</c> (OpenFlow 1.4+; 0 by default).</summary>
    public ushort Importance { get; init; }

    /// <summary>Flow-mod flags such as send_flow_rem.</summary>
    public FlowFlags Flags { get; init; }

    /// <summary>The flow as <c>ovs-ofctl --no-stats dump-flows</c> prints it (OpenFlow 1.0 spelling).</summary>
    public override string ToString() => OvsFormatter.FormatFlow(this);
}
