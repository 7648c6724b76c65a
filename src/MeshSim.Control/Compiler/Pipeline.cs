namespace MeshSim.Control.Compiler;

/// <summary>
/// The table map, conntrack zones and priorities of the compiled pipeline: the single source that
/// docs/pipeline.md describes. Table numbers only grow along a packet's path, because
/// <c>goto_table</c> may only move forward.
/// </summary>
public static class Pipeline
{
    /// <summary>Table 0: ARP answers, the split between virtual-IP traffic, traffic to local hosts (possible replies) and the rest.</summary>
    public const byte Classify = 0;
    /// <summary>Table 1: after the SNAT-zone lookup. Hairpin replies go on to be un-DNATed; everything else is looked up in the DNAT zone.</summary>
    public const byte SnatLookup = 1;
    /// <summary>Table 2: after the DNAT-zone lookup of virtual-IP traffic. Established packets pass; new ones hit a pair flow (group or counted drop).</summary>
    public const byte ServiceLb = 2;
    /// <summary>Table 3: after DNAT. A connection whose client and chosen instance share a host is also source-NATed to the virtual IP.</summary>
    public const byte Hairpin = 3;
    /// <summary>Table 4: the real destination's MAC replaces the virtual MAC.</summary>
    public const byte EndpointMac = 4;
    /// <summary>Table 5: replies to local clients, un-DNATed by the lookup that led here, get the virtual MAC as source.</summary>
    public const byte ReplyUnDnat = 5;
    /// <summary>Table 6: L2 forwarding by destination MAC along the controller's paths (no flooding, no learning).</summary>
    public const byte L2Forward = 6;

    /// <summary>The DNAT zone of a switch (2·id): connections from local clients to the virtual IP.</summary>
    public static ushort DnatZone(ushort switchId) => (ushort)(2 * switchId);

    /// <summary>The SNAT zone of a switch (2·id+1): hairpin connections, source-NATed to the virtual IP.</summary>
    public static ushort SnatZone(ushort switchId) => (ushort)(2 * switchId + 1);

    /// <summary>ct_state bits (ovs-fields(7)).</summary>
    public const uint CtNew = 0x01, CtEst = 0x02, CtRel = 0x04, CtRpl = 0x08, CtInv = 0x10, CtTrk = 0x20, CtSnat = 0x40, CtDnat = 0x80;
}
