namespace MeshSim.Ovs.Tracing;

/// <summary>Kinds of trace lines, as ofproto/trace's node types (OFT_*).</summary>
public enum TraceKind : byte
{
    /// <summary>A bridge header ("bridge(\"br0\")").</summary>
    Bridge,
    /// <summary>A table visited and the flow it matched (or "No match.").</summary>
    Table,
    /// <summary>An action of the matched flow.</summary>
    Action,
    /// <summary>An explanation ("-> ...").</summary>
    Detail,
    /// <summary>A warning (">> ...", e.g. skipping output to input port).</summary>
    Warn,
    /// <summary>A group bucket being executed.</summary>
    Bucket,
    /// <summary>Resuming after recirculation ("thaw").</summary>
    Thaw,
    /// <summary>A packet leaving the bridge.</summary>
    Output,
    /// <summary>Translation failed (recursion too deep, too many resubmits).</summary>
    Error,
}

/// <summary>One line of a trace. Structured fields are filled where they apply, so JSON consumers
/// need not parse <see cref="Text"/>.</summary>
public sealed record TraceStep(int Pass, int Depth, TraceKind Kind, string Text)
{
    /// <summary>The bridge this happened in.</summary>
    public string? Bridge { get; init; }
    /// <summary>Table number (Table, Thaw).</summary>
    public int? Table { get; init; }
    /// <summary>Matched flow's cookie (Table).</summary>
    public ulong? Cookie { get; init; }
    /// <summary>Matched flow's priority (Table).</summary>
    public int? Priority { get; init; }
    /// <summary>Matched flow's match text (Table).</summary>
    public string? Match { get; init; }
    /// <summary>Output port (Output).</summary>
    public uint? Port { get; init; }
    /// <summary>Bucket id (Bucket).</summary>
    public uint? BucketId { get; init; }
}

/// <summary>One pass of a packet through a bridge: the first, or one after a recirculation.</summary>
public sealed class TracePass
{
    /// <summary>Pass number, 0 for the packet as it arrived.</summary>
    public int Index { get; init; }
    /// <summary>The bridge.</summary>
    public required string Bridge { get; init; }
    /// <summary>Recirculation id (0 for the first pass).</summary>
    public uint RecircId { get; init; }
    /// <summary>Header printed above the pass (recirculation and ct_state it resumes with), if any.</summary>
    public string? Header { get; init; }
    /// <summary>ct_state the pass resumes with, if it follows a ct(table=...).</summary>
    public string? CtState { get; init; }
    /// <summary>The flow at the start, in OVS flow syntax.</summary>
    public required string Flow { get; init; }
    /// <summary>The flow at the end ("unchanged" when equal).</summary>
    public string FinalFlow { get; set; } = "unchanged";
    /// <summary>Output ports of this pass, in order.</summary>
    public List<uint> OutputPorts { get; } = new();
    /// <summary>The pass's datapath actions in OVS's syntax (<c>set(eth(dst=..))</c>, <c>ct(commit,zone=1,nat(..))</c>,
    /// <c>recirc(0x2)</c>, output ports); empty means <c>drop</c>. Ports are OpenFlow port numbers: the numbers a
    /// real datapath uses are its own (see docs/ovs-syntax.md).</summary>
    public List<string> DatapathActions { get; } = new();
    /// <summary>Why translation failed, if it did.</summary>
    public string? Error { get; set; }
}

/// <summary>A packet that left the switch during the trace.</summary>
/// <param name="Port">OpenFlow port.</param>
/// <param name="Flow">The packet as it left, in OVS flow syntax.</param>
/// <param name="Frame">Its bytes.</param>
/// <param name="Bridge">The bridge it left.</param>
public sealed record TraceOutput(uint Port, string Flow, byte[] Frame, string Bridge);
