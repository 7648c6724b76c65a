namespace MeshSim.Ovs;

/// <summary>
/// Every match/action field MeshSim knows, as a dense small integer so pipelines can index arrays by it.
/// </summary>
/// <remarks>
/// Several names share one storage slot, exactly as in OVS's <c>struct flow</c>: <see cref="ArpSpa"/>
/// lives in <see cref="NwSrc"/>, <see cref="TcpSrc"/>/<see cref="UdpSrc"/>/<see cref="IcmpType"/> in
/// <see cref="TpSrc"/>, <see cref="DlVlan"/> and <see cref="DlVlanPcp"/> are bit ranges of
/// <see cref="VlanTci"/>, <see cref="IpDscp"/> and <see cref="NwEcn"/> of <see cref="NwTos"/>.
/// A <see cref="Match"/> only ever holds storage slots (<see cref="OvsField.Slot"/> == the field itself);
/// the aliases exist for parsing and for naming action targets. <see cref="Xreg0"/>–<see cref="Xxreg3"/> span
/// several registers (<see cref="OvsField.Parts"/>) and are split into them when matched. The numeric order is the storage
/// layout order and carries no other meaning; append new members at the end to keep ids stable.
/// </remarks>
public enum OvsFieldId : byte
{
    // Pipeline metadata.
    InPort, Metadata, PktMark,
    Reg0, Reg1, Reg2, Reg3, Reg4, Reg5, Reg6, Reg7, Reg8, Reg9, Reg10, Reg11, Reg12, Reg13, Reg14, Reg15,
    // Connection tracking (read-only in matches; ct_mark and ct_label are writable inside ct(exec(...))).
    CtState, CtZone, CtMark, CtLabel, CtNwSrc, CtNwDst, CtNwProto, CtTpSrc, CtTpDst,
    // Layer 2.
    EthSrc, EthDst, EthType, VlanTci,
    // Layer 3 (IPv4 and ARP share slots).
    NwSrc, NwDst, NwProto, NwTos, NwTtl, NwFrag, ArpSha, ArpTha,
    // Layer 4.
    TpSrc, TpDst, TcpFlags,

    // ---- Aliases: named views onto a slot above (never stored in a Match). ----
    DlVlan, DlVlanPcp, VlanVid, IpDscp, NwEcn, ArpOp, ArpSpa, ArpTpa,
    TcpSrc, TcpDst, UdpSrc, UdpDst, IcmpType, IcmpCode,
    VlanPcp,
    // OXM_OF_IN_PORT: in_port as a 32-bit OpenFlow 1.1+ port number; SCTP ports (in tp_src/tp_dst).
    InPortOxm, SctpSrc, SctpDst,
    // Wide views of the registers: xreg N is reg 2N (high half) and reg 2N+1, xxreg N is regs 4N..4N+3 (reg 4N highest).
    Xreg0, Xreg1, Xreg2, Xreg3, Xreg4, Xreg5, Xreg6, Xreg7,
    Xxreg0, Xxreg1, Xxreg2, Xxreg3,
}
