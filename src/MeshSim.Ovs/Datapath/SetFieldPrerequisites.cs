using MeshSim.Ovs.Classification;

namespace MeshSim.Ovs.Datapath;

/// <summary>
/// Whether a packet has the field a <c>set_field</c>/<c>load</c>/<c>mod_*</c> action writes. OVS
/// translates such an action only when the field's prerequisites hold for the packet at that point
/// (ofproto-dpif-xlate.c, OFPACT_SET_FIELD: "Set the field only if the packet actually has it"), so
/// <c>set_field:10.0.0.4->ip_dst</c> reaching an ARP packet through a group does nothing, instead of
/// rewriting arp_tpa, which shares the flow slot of nw_dst.
/// </summary>
internal static class SetFieldPrerequisites
{
    private const ushort EthIp = 0x0800, EthArp = 0x0806, EthRarp = 0x8035;

    /// <summary>True when the action may write <paramref name="field"/> on a packet with <paramref name="key"/>.</summary>
    public static bool Met(in PacketKey key, OvsFieldId field)
    {
        var pre = OvsFields.Get(field).Prerequisite;
        if (pre == FieldPrerequisite.None) return true;
        ushort dlType = (ushort)key.Get(KeyField.DlType);
        byte proto = (byte)key.Get(KeyField.NwProto);
        return pre switch
        {
            FieldPrerequisite.Ipv4 or FieldPrerequisite.Ip => dlType == EthIp,
            FieldPrerequisite.Arp => dlType is EthArp or EthRarp,
            FieldPrerequisite.Tcp => dlType == EthIp && proto == 6,
            FieldPrerequisite.Udp => dlType == EthIp && proto == 17,
            FieldPrerequisite.Icmp => dlType == EthIp && proto == 1,
            FieldPrerequisite.L4 => dlType == EthIp && proto is 6 or 17 or 132,
            FieldPrerequisite.Sctp => dlType == EthIp && proto == 132,
            _ => true,   // VLAN fields: OVS pushes or rewrites the tag regardless
        };
    }
}
