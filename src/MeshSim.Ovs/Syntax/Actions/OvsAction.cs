namespace MeshSim.Ovs;

/// <summary>
/// One OpenFlow action as <c>ovs-ofctl</c> writes it. An action list is an
/// <c>IReadOnlyList&lt;OvsAction&gt;</c>; the empty list is <c>drop</c> (OVS prints it as
/// <c>actions=drop</c>). Actions are plain immutable records: the datapath executes them, the
/// formatter prints them, neither needs the other.
/// </summary>
public abstract record OvsAction;

/// <summary><c>output:N</c> (or a bare port number): send a copy to ordinary port N, or to LOCAL/ALL by their reserved numbers.</summary>
public sealed record OutputAction(uint Port) : OvsAction;

/// <summary><c>output:NXM_NX_REG0[]</c>: send to the port number read from a subfield.</summary>
public sealed record OutputRegAction(SubField Source) : OvsAction;

/// <summary><c>in_port</c> / <c>output:in_port</c>: send back out the input port (the only way to do so).</summary>
public sealed record InPortAction : OvsAction;

/// <summary><c>NORMAL</c>: hand the packet to the L2 learning switch.</summary>
public sealed record NormalAction : OvsAction;

/// <summary><c>FLOOD</c>: all ports except the input port (and ports with flooding disabled).</summary>
public sealed record FloodAction : OvsAction;

/// <summary><c>dec_ttl</c>: decrement the IPv4 TTL; a packet whose TTL would reach zero goes to the controller (OVS sends it to controller id 0 when listed).</summary>
public sealed record DecTtlAction : OvsAction
{
    /// <summary>Controller ids of <c>dec_ttl(id,...)</c>; empty for plain <c>dec_ttl</c> (controller id 0).</summary>
    public IReadOnlyList<ushort> ControllerIds { get; init; } = [];
}

/// <summary><c>strip_vlan</c> / <c>pop_vlan</c>.</summary>
public sealed record StripVlanAction : OvsAction;

/// <summary><c>push_vlan:ETHERTYPE</c> (0x8100 or 0x88a8): push a VLAN header with VID 0 and PCP 0.</summary>
public sealed record PushVlanAction(ushort EtherType) : OvsAction;

/// <summary><c>ct_clear</c>: forget the packet's conntrack state (ct_state and friends become zero).</summary>
public sealed record CtClearAction : OvsAction;
