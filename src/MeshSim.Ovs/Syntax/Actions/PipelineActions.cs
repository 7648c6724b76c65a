namespace MeshSim.Ovs;

/// <summary>
/// <c>resubmit:P</c>, <c>resubmit(P,T)</c>, <c>resubmit(,T)</c>, <c>resubmit(P,T,ct)</c>: look the packet up
/// again with in_port replaced by <see cref="InPort"/> (null: unchanged) in table <see cref="Table"/>
/// (null: the current table), then continue with this flow's remaining actions.
/// </summary>
public sealed record ResubmitAction(uint? InPort, byte? Table, bool WithCtOriginalTuple = false) : OvsAction;

/// <summary><c>goto_table:T</c>: the instruction; continue in a later table. OVS prints it as <c>resubmit(,T)</c> over OpenFlow 1.0.</summary>
public sealed record GotoTableAction(byte Table) : OvsAction;

/// <summary><c>write_metadata:V[/M]</c>: the instruction; sets the metadata bits of <see cref="Mask"/> to
/// those of <see cref="Value"/> (OVS keeps and prints the value as written, bits outside the mask included).</summary>
public sealed record WriteMetadataAction(ulong Value, ulong Mask) : OvsAction;

/// <summary><c>group:N</c>: execute group N.</summary>
public sealed record GroupAction(uint GroupId) : OvsAction;

/// <summary>Why a packet is sent to the controller (the <c>reason=</c> of <c>controller(...)</c>).</summary>
public enum ControllerReason : byte
{
    /// <summary>The default: an explicit action.</summary>
    Action,
    /// <summary><c>no_match</c>.</summary>
    NoMatch,
    /// <summary><c>invalid_ttl</c>.</summary>
    InvalidTtl,
}

/// <summary>
/// <c>controller</c>, <c>controller:MAX_LEN</c>, <c>controller(max_len=…,reason=…,id=…)</c>.
/// MeshSim has no controller connection: the datapath counts these packets.
/// </summary>
public sealed record ControllerAction(ushort MaxLen = 65535, ControllerReason Reason = ControllerReason.Action, ushort ControllerId = 0) : OvsAction;
