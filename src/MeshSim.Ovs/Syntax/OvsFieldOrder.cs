namespace MeshSim.Ovs;

/// <summary>
/// Position of each field in OVS's <c>enum mf_field_id</c> (include/openvswitch/meta-flow.h), which
/// is the order OVS prints a select group's <c>fields(...)</c> in, whatever order they were given.
/// </summary>
internal static class OvsFieldOrder
{
    private static readonly OvsFieldId[] Order =
    [
        OvsFieldId.Metadata, OvsFieldId.InPort, OvsFieldId.PktMark,
        OvsFieldId.CtState, OvsFieldId.CtZone, OvsFieldId.CtMark, OvsFieldId.CtLabel, OvsFieldId.CtNwProto,
        OvsFieldId.CtNwSrc, OvsFieldId.CtNwDst, OvsFieldId.CtTpSrc, OvsFieldId.CtTpDst,
        OvsFieldId.Reg0, OvsFieldId.Reg1, OvsFieldId.Reg2, OvsFieldId.Reg3, OvsFieldId.Reg4, OvsFieldId.Reg5,
        OvsFieldId.Reg6, OvsFieldId.Reg7, OvsFieldId.Reg8, OvsFieldId.Reg9, OvsFieldId.Reg10, OvsFieldId.Reg11,
        OvsFieldId.Reg12, OvsFieldId.Reg13, OvsFieldId.Reg14, OvsFieldId.Reg15,
        OvsFieldId.EthSrc, OvsFieldId.EthDst, OvsFieldId.EthType, OvsFieldId.VlanTci, OvsFieldId.DlVlan,
        OvsFieldId.VlanVid, OvsFieldId.DlVlanPcp, OvsFieldId.VlanPcp,
        OvsFieldId.NwSrc, OvsFieldId.NwDst, OvsFieldId.NwProto, OvsFieldId.NwTos, OvsFieldId.IpDscp,
        OvsFieldId.NwEcn, OvsFieldId.NwTtl, OvsFieldId.NwFrag,
        OvsFieldId.ArpOp, OvsFieldId.ArpSpa, OvsFieldId.ArpTpa, OvsFieldId.ArpSha, OvsFieldId.ArpTha,
        OvsFieldId.TpSrc, OvsFieldId.TcpSrc, OvsFieldId.TpDst, OvsFieldId.TcpDst, OvsFieldId.TcpFlags,
        OvsFieldId.UdpSrc, OvsFieldId.UdpDst, OvsFieldId.IcmpType, OvsFieldId.IcmpCode,
    ];

    private static readonly int[] Rank = BuildRank();

    private static int[] BuildRank()
    {
        var r = new int[Enum.GetValues<OvsFieldId>().Length];
        Array.Fill(r, int.MaxValue);
        for (int i = 0; i < Order.Length; i++) r[(int)Order[i]] = i;
        return r;
    }

    /// <summary>The field's rank in OVS's internal order.</summary>
    public static int Of(OvsFieldId id) => Rank[(int)id];
}
