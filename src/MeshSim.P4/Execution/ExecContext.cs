using MeshSim.P4.Model;

namespace MeshSim.P4.Execution;

/// <summary>The state an expression or primitive sees: the packet, the running action's data, the program (for stateful objects), the trace and the clock.</summary>
public sealed class ExecContext
{
    public readonly P4Program Program;
    public readonly PacketState Pkt;
    /// <summary>Runtime data of the entry whose action runs (bmv2 "local" values).</summary>
    public UInt128[] ActionData = [];
    /// <summary>Null when tracing is off: the hot path then formats nothing.</summary>
    public P4Trace? Trace;
    /// <summary>Virtual time in nanoseconds (meters, timestamps).</summary>
    public long NowNs;
    /// <summary>While a parser runs: the byte offset of the next unparsed byte (lookahead reads from here).</summary>
    internal int ParserCursor;
    /// <summary>Set when a lookahead ran past the end of the packet.</summary>
    internal bool LookaheadFailed;

    internal ExecContext(P4Program program, PacketState pkt) { Program = program; Pkt = pkt; }

    public UInt128 Read(int field) => Pkt.Fields[field];

    /// <summary>Stores a value into a field, truncating to the field's width as bmv2 does.</summary>
    public void Write(int field, UInt128 value) => Pkt.Fields[field] = value & Program.FieldMasks[field];

    public void Note(string message) => Trace?.Line(message);
}
