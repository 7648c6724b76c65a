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

/// <summary>Why a packet is sent to the controller (the <c>reason=</c> of <c>controller(...)</c>, OVS's names).</summary>
public enum ControllerReason : byte
{
    /// <summary>The default: an explicit action.</summary>
    Action,
    /// <summary><c>no_match</c>.</summary>
    NoMatch,
    /// <summary><c>invalid_ttl</c>.</summary>
    InvalidTtl,
    /// <summary><c>action_set</c>.</summary>
    ActionSet,
    /// <summary><c>group</c>.</summary>
    Group,
    /// <summary><c>packet_out</c>.</summary>
    PacketOut,
    /// <summary>OVS's internal "explicit miss" reason, which its name table spells as the empty string: <c>reason=</c>.</summary>
    ExplicitMiss,
}

/// <summary>
/// <c>controller</c>, <c>controller:MAX_LEN</c>, <c>controller(max_len=…,reason=…,id=…,userdata=…,pause,meter_id=…)</c>.
/// MeshSim has no controller connection: the datapath counts these packets; with <see cref="Pause"/> the rest of
/// the pipeline stays frozen, waiting for a controller to resume it, so nothing after it runs.
/// </summary>
/// <param name="MaxLen">Bytes of the packet to send (65535: all).</param>
/// <param name="Reason">The packet-in reason.</param>
/// <param name="ControllerId">Which controller connection (0: all).</param>
public sealed record ControllerAction(ushort MaxLen = 65535, ControllerReason Reason = ControllerReason.Action, ushort ControllerId = 0) : OvsAction
{
    /// <summary><c>userdata=</c> as OVS prints it, hex bytes joined by dots (<c>01.02.03</c>); empty for none.</summary>
    public string Userdata { get; init; } = "";

    /// <summary><c>pause</c>: freeze the pipeline until the controller resumes it.</summary>
    public bool Pause { get; init; }

    /// <summary><c>meter_id=</c>: the meter packet-ins pass through; 0 (OVS's NX_CTLR_NO_METER) for none.</summary>
    public uint MeterId { get; init; }

    /// <summary>True when only max_len differs from the defaults: OVS then stores and prints a plain <c>CONTROLLER:N</c> output.</summary>
    public bool IsPlainOutput => Reason == ControllerReason.Action && ControllerId == 0 && Userdata.Length == 0 && !Pause && MeterId == 0;
}

/// <summary><c>output(port=N,max_len=M)</c>: output a copy truncated to at most <see cref="MaxLen"/> bytes.</summary>
public sealed record OutputTruncAction(uint Port, uint MaxLen) : OvsAction;

/// <summary><c>exit</c>: stop executing actions, in this flow and in every flow that resubmitted to it.</summary>
public sealed record ExitAction : OvsAction;

/// <summary><c>push:FIELD[a..b]</c>: push the bits onto the packet's register stack (kept across resubmits and recirculation).</summary>
public sealed record StackPushAction(SubField Source) : OvsAction;

/// <summary><c>pop:FIELD[a..b]</c>: pop the top of the register stack into the bits; an empty stack leaves them unchanged.</summary>
public sealed record StackPopAction(SubField Destination) : OvsAction;
