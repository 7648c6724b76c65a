namespace MeshSim.Ovs;

/// <summary>
/// What OVS's <c>ofpacts_check</c> knows when it validates actions: the flow's match (for
/// prerequisites: <c>mod_tp_dst</c> needs TCP/UDP/SCTP, <c>ct</c> needs IP…) and its table (for
/// goto_table). Groups are checked with an empty match and no table.
/// </summary>
internal sealed class ActionCheck(Match match, byte? table)
{
    /// <summary>The check for group buckets: nothing is known about the packet.</summary>
    public static ActionCheck ForGroup() => new(Match.Any, null) { IsGroup = true };

    /// <summary>True when checking a group bucket: OVS does not check bucket actions against any match.</summary>
    public bool IsGroup { get; private init; }

    public Match Match { get; } = match;

    /// <summary>Set when an action only NXM-capable flow formats carry was parsed (set_field to a field OpenFlow 1.0
    /// cannot set, write_metadata): ovs-ofctl then sends the whole flow as NXM.</summary>
    public bool NeedsNxm { get; set; }
    public byte? Table { get; } = table;

    public ushort EthType => Match.EthType ?? 0;
    public byte NwProto => Match.NwProto ?? 0;
    public bool IsIpv4 => EthType == 0x0800;
    public bool IsIpAny => EthType is 0x0800 or 0x86dd;
    public bool IsArp => EthType is 0x0806 or 0x8035;

    /// <summary>
    /// Whether the packet has a VLAN header by this point of the action list, when an earlier action decided it
    /// (ofpacts_check updates the flow as it goes: mod_vlan_vid and set_field to vlan_tci with CFI add one,
    /// strip_vlan removes it); null while the match alone decides.
    /// </summary>
    public bool? VlanPresent { get; set; }

    private bool HasVlan => VlanPresent ?? (Match.TryGet(OvsFieldId.VlanTci, out var tci) && (tci.Mask & 0x1000) != 0 && (tci.Value & 0x1000) != 0);

    /// <summary>mf_are_prereqs_ok for a field against the flow's match.</summary>
    public bool PrerequisitesMet(OvsField f) => IsGroup || f.Prerequisite switch
    {
        FieldPrerequisite.None => true,
        FieldPrerequisite.Vlan => HasVlan,
        FieldPrerequisite.Ipv4 => IsIpv4,
        FieldPrerequisite.Ip => IsIpAny,
        FieldPrerequisite.Arp => IsArp,
        FieldPrerequisite.Tcp => IsIpAny && NwProto == 6 && !LaterFragment,
        FieldPrerequisite.Udp => IsIpAny && NwProto == 17 && !LaterFragment,
        FieldPrerequisite.Icmp => IsIpv4 && NwProto == 1,
        FieldPrerequisite.L4 => IsIpAny && NwProto is 6 or 17 or 132 && !LaterFragment,
        FieldPrerequisite.Sctp => IsIpAny && NwProto == 132 && !LaterFragment,
        _ => true,
    };

    /// <summary>
    /// The prerequisite check of move, push and pop (mf_check_src/mf_check_dst): as <see cref="PrerequisitesMet"/>,
    /// except that vlan_vid has none there (only set_field and load to it need a VLAN header).
    /// </summary>
    public bool SubfieldPrerequisitesMet(OvsField f) => f.Id == OvsFieldId.VlanVid || PrerequisitesMet(f);

    private bool LaterFragment => Match.TryGet(OvsFieldId.NwFrag, out var f) && (f.Value & 2) != 0;

    /// <summary>The message OVS's ovs-ofctl prints when ofpacts_check fails, plus what exactly was wrong.</summary>
    public static string Inconsistent(string detail) => $"actions are invalid with specified match (OFPBAC_MATCH_INCONSISTENT): {detail}";
}
