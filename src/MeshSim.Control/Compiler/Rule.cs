using MeshSim.Ovs;
using MeshSim.Wire;

namespace MeshSim.Control.Compiler;

/// <summary>Small builders for the matches and actions the compiler writes, so the stages read like the flows they make.</summary>
internal sealed class MatchBuilder
{
    private readonly List<FieldMatch> _fields = [];

    private MatchBuilder Exact(OvsFieldId f, UInt128 v) { _fields.Add(new FieldMatch(f, v, OvsFields.Get(f).FullMask)); return this; }

    public static MatchBuilder Any => new();
    public static MatchBuilder Ip => new MatchBuilder().Exact(OvsFieldId.EthType, 0x0800);
    public static MatchBuilder Tcp => Ip.Exact(OvsFieldId.NwProto, 6);
    public static MatchBuilder Arp => new MatchBuilder().Exact(OvsFieldId.EthType, 0x0806);

    public MatchBuilder InPort(uint port) => Exact(OvsFieldId.InPort, port);
    public MatchBuilder NwSrc(Ipv4Address a) => Exact(OvsFieldId.NwSrc, a.Value);
    public MatchBuilder NwDst(Ipv4Address a) => Exact(OvsFieldId.NwDst, a.Value);
    public MatchBuilder TpDst(ushort port) => Exact(OvsFieldId.TpDst, port);
    public MatchBuilder DlDst(MacAddress m) => Exact(OvsFieldId.EthDst, m.Value);
    public MatchBuilder CtZone(ushort zone) => Exact(OvsFieldId.CtZone, zone);
    /// <summary>ARP opcode (stored in nw_proto's slot, as OVS does).</summary>
    public MatchBuilder ArpOp(byte op) => Exact(OvsFieldId.NwProto, op);
    /// <summary>ARP target protocol address (stored in nw_dst's slot).</summary>
    public MatchBuilder ArpTpa(Ipv4Address a) => Exact(OvsFieldId.NwDst, a.Value);
    /// <summary>ct_state with the <paramref name="set"/> bits on and the <paramref name="clear"/> bits off.</summary>
    public MatchBuilder CtState(uint set, uint clear = 0) { _fields.Add(new FieldMatch(OvsFieldId.CtState, set, set | clear)); return this; }

    public Match Build() => Rules.RuleText.CreateMatch(_fields);
}

/// <summary>Action shorthands.</summary>
internal static class Act
{
    public static readonly IReadOnlyList<OvsAction> Drop = [];
    public static OvsAction Output(uint port) => new OutputAction(port);
    public static OvsAction InPort { get; } = new InPortAction();
    public static OvsAction Group(uint id) => new GroupAction(id);
    public static OvsAction Goto(byte table) => new GotoTableAction(table);
    /// <summary><c>mod_dl_src:MAC</c> (the legacy spelling, which is what the renderer writes).</summary>
    public static OvsAction SetEthSrc(MacAddress m) => SetFieldAction.Whole(OvsFieldId.EthSrc, m.Value) with { Legacy = true };
    /// <summary><c>mod_dl_dst:MAC</c>.</summary>
    public static OvsAction SetEthDst(MacAddress m) => SetFieldAction.Whole(OvsFieldId.EthDst, m.Value) with { Legacy = true };

    /// <summary><c>ct(zone=Z,nat,table=T)</c>: look up (and un-NAT) without committing.</summary>
    public static OvsAction CtLookup(ushort zone, byte table) => new CtAction(false, false, zone, null, table, 0, NatSpec.Bare, []);

    /// <summary><c>ct(commit,zone=Z,nat(KIND=ADDR[:PORT]),table=T)</c>.</summary>
    public static OvsAction CtCommitNat(ushort zone, byte table, NatKind kind, Ipv4Address addr, ushort port = 0) =>
        new CtAction(true, false, zone, null, table, 0, new NatSpec(kind, addr, null, port, 0, NatFlags.None), []); // no range: max unset, as the ovs-ofctl parser reads it

    /// <summary>
    /// Turns an ARP request into the reply "<paramref name="ip"/> is at <paramref name="mac"/>" and sends it
    /// back out the port it came in on (the ARP responder of ovs-actions(7) and OVN).
    /// </summary>
    public static IReadOnlyList<OvsAction> ArpReply(Ipv4Address ip, MacAddress mac) =>
    [
        new MoveAction(SubField.Whole(OvsFieldId.EthSrc), SubField.Whole(OvsFieldId.EthDst)),
        SetEthSrc(mac),
        new LoadAction(SubField.Whole(OvsFieldId.ArpOp), 2),
        new MoveAction(SubField.Whole(OvsFieldId.ArpSha), SubField.Whole(OvsFieldId.ArpTha)),
        new MoveAction(SubField.Whole(OvsFieldId.ArpSpa), SubField.Whole(OvsFieldId.ArpTpa)),
        new LoadAction(SubField.Whole(OvsFieldId.ArpSha), mac.Value),
        new LoadAction(SubField.Whole(OvsFieldId.ArpSpa), ip.Value),
        InPort,
    ];
}
