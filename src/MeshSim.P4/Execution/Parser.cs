using MeshSim.P4.Model;

namespace MeshSim.P4.Execution;

/// <summary>The v1model/core parser errors MeshSim raises itself; their numeric values come from the program's <c>errors</c>.</summary>
public enum ParserErrorKind { NoError, PacketTooShort, NoMatch, StackOutOfBounds, HeaderTooShort, ParserTimeout, ParserInvalidArgument,
    /// <summary>A <c>verify</c> failed; the error value is the one the program gave.</summary>
    Custom }

public enum ParserOpKind { Extract, ExtractStack, ExtractVarbit, Set, Verify, Advance, Primitive }

/// <summary>One operation of a parse state.</summary>
public sealed class ParserOp
{
    public required ParserOpKind Kind { get; init; }
    /// <summary>Header index (extract) or stack index (extract to stack).</summary>
    public int Target { get; init; } = -1;
    public Expr? A { get; init; }
    public Expr? B { get; init; }
    public Primitive? Call { get; init; }
}

/// <summary>A part of a transition key: a value expression or a lookahead (bit offset, width) from the cursor.</summary>
public sealed record KeyPart(Expr? Source, int LookaheadOffset, int Width, int ByteWidth);

public enum TransitionKind { Default, Value, ValueSet }

public sealed class Transition
{
    public required TransitionKind Kind { get; init; }
    public UInt128 Value { get; init; }
    public UInt128 Mask { get; init; } = UInt128.MaxValue;
    public ParseValueSet? Set { get; init; }
    public ParseState? Next { get; set; }
    public string? NextName { get; init; }
}

public sealed class ParseState
{
    public required string Name { get; init; }
    public required ParserOp[] Ops { get; init; }
    public required KeyPart[] Key { get; init; }
    public required Transition[] Transitions { get; init; }
}

/// <summary>
/// A parser. Running never throws on hostile bytes: running out of data, overflowing a stack, a
/// failed <c>verify</c> or a select without a matching case set <c>standard_metadata.parser_error</c>
/// and stop parsing; the unparsed bytes become the payload and ingress still runs (v1model).
/// </summary>
public sealed class P4Parser(string name, P4Program program)
{
    public string Name { get; } = name;
    public ParseState? Init { get; set; }
    public Dictionary<string, ParseState> States { get; } = new(StringComparer.Ordinal);

    /// <summary>Parses <c>pkt.Data[0..Length]</c>; returns the error raised (NoError on success).</summary>
    public ParserErrorKind Run(ExecContext c)
    {
        var pkt = c.Pkt;
        int cursor = 0; // in bytes
        var state = Init;
        int steps = 0;
        var error = ParserErrorKind.NoError;
        UInt128 errorValue = 0;
        // parser_error starts as error.NoError, whose value the program chose (not necessarily 0).
        if (program.Std.ParserError >= 0) c.Write(program.Std.ParserError, program.ErrorValue(ParserErrorKind.NoError));
        while (state is not null)
        {
            c.Trace?.Line($"Parser '{Name}': state '{state.Name}'");
            if (++steps > 10_000) { error = ParserErrorKind.ParserTimeout; break; }
            foreach (var op in state.Ops)
            {
                error = RunOp(c, op, ref cursor, out errorValue);
                if (error != ParserErrorKind.NoError) goto done;
            }
            if (state.Transitions.Length == 0) { state = null; break; }
            UInt128 key = 0;
            foreach (var part in state.Key)
            {
                UInt128 v;
                if (part.Source is not null) v = part.Source.Eval(c);
                else
                {
                    int bitStart = cursor * 8 + part.LookaheadOffset;
                    if (bitStart + part.Width > pkt.Length * 8) { error = ParserErrorKind.PacketTooShort; goto done; }
                    v = Bits.Read(pkt.Data.AsSpan(0, pkt.Length), bitStart, part.Width);
                }
                key = (key << (part.ByteWidth * 8)) | v;
            }
            ParseState? next = null;
            bool matched = false;
            foreach (var t in state.Transitions)
            {
                if (t.Kind == TransitionKind.Default || (t.Kind == TransitionKind.Value && (key & t.Mask) == (t.Value & t.Mask)) ||
                    (t.Kind == TransitionKind.ValueSet && InSet(t, key)))
                {
                    next = t.Next; matched = true; break;
                }
            }
            if (!matched) { error = ParserErrorKind.NoMatch; break; }
            state = next;
        }
    done:
        pkt.PayloadOffset = cursor;
        if (error != ParserErrorKind.NoError)
        {
            var value = error == ParserErrorKind.Custom ? errorValue : program.ErrorValue(error);
            if (program.Std.ParserError >= 0) c.Write(program.Std.ParserError, value);
            c.Trace?.Line($"Parser '{Name}': error {program.ErrorName(value)}; parsing stops, ingress runs");
        }
        return error;
    }

    private static bool InSet(Transition t, UInt128 key)
    {
        foreach (var v in t.Set!.Values) if ((key & t.Mask) == (v & t.Mask)) return true;
        return false;
    }

    private ParserErrorKind RunOp(ExecContext c, ParserOp op, ref int cursor, out UInt128 verifyError)
    {
        verifyError = 0;
        var pkt = c.Pkt;
        switch (op.Kind)
        {
            case ParserOpKind.Extract:
                return Extract(c, op.Target, null, ref cursor);
            case ParserOpKind.ExtractStack:
            {
                var stack = program.Stacks[op.Target];
                int next = pkt.StackNext[stack.Index];
                if (next >= stack.Headers.Length) return ParserErrorKind.StackOutOfBounds;
                var r = Extract(c, stack.Headers[next], null, ref cursor);
                if (r == ParserErrorKind.NoError) pkt.StackNext[stack.Index] = next + 1;
                return r;
            }
            case ParserOpKind.ExtractVarbit:
                return Extract(c, op.Target, op.A, ref cursor);
            case ParserOpKind.Set:
            {
                c.ParserCursor = cursor; c.LookaheadFailed = false;
                var v = op.B!.Eval(c);
                if (c.LookaheadFailed) return ParserErrorKind.PacketTooShort;
                int f = op.A!.EvalField(c);
                if (f >= 0) c.Write(f, v);
                return ParserErrorKind.NoError;
            }
            case ParserOpKind.Verify:
                if (op.A!.Eval(c) != UInt128.Zero) return ParserErrorKind.NoError;
                verifyError = op.B!.Eval(c);
                return ParserErrorKind.Custom;
            case ParserOpKind.Advance:
            {
                var bits = op.A!.Eval(c);
                if ((bits & 7) != 0) return ParserErrorKind.ParserInvalidArgument;
                var bytes = bits >> 3;
                if (bytes > (UInt128)(uint)(pkt.Length - cursor)) return ParserErrorKind.PacketTooShort;
                cursor += (int)bytes;
                return ParserErrorKind.NoError;
            }
            case ParserOpKind.Primitive:
                op.Call!.Run(c, 0);
                return ParserErrorKind.NoError;
        }
        return ParserErrorKind.NoError;
    }

    private ParserErrorKind Extract(ExecContext c, int header, Expr? varbitBits, ref int cursor)
    {
        var pkt = c.Pkt;
        var h = program.Headers[header];
        var type = h.Type;
        int varBits = 0;
        if (type.VarbitIndex >= 0)
        {
            if (varbitBits is null) return ParserErrorKind.ParserInvalidArgument;
            var vb = varbitBits.Eval(c);
            if ((vb & 7) != 0) return ParserErrorKind.ParserInvalidArgument;
            if (vb > (UInt128)(uint)(type.MaxLengthBytes * 8 - type.FixedBits)) return ParserErrorKind.HeaderTooShort;
            varBits = (int)vb;
        }
        int totalBytes = (type.FixedBits + varBits) / 8;
        if (cursor + totalBytes > pkt.Length)
        {
            c.Trace?.Line($"Extracting header '{h.Name}': needs {totalBytes} bytes at offset {cursor}, packet has {pkt.Length}");
            return ParserErrorKind.PacketTooShort;
        }
        var data = pkt.Data.AsSpan(cursor, totalBytes);
        var r = new BitReader(data);
        var fields = type.Fields;
        for (int i = 0; i < fields.Length; i++)
        {
            var f = fields[i];
            if (f.IsVarbit)
            {
                int at = r.BitPosition;
                if ((at & 7) == 0) data.Slice(at / 8, varBits / 8).CopyTo(pkt.Varbit[h.VarbitSlot]);
                else for (int k = 0; k < varBits / 8; k++) pkt.Varbit[h.VarbitSlot][k] = (byte)Bits.Read(data, at + k * 8, 8);
                pkt.VarbitBits[h.VarbitSlot] = varBits;
                r.SkipBytes(varBits / 8);
                continue;
            }
            pkt.Fields[h.FieldBase + i] = r.Read(f.Width);
        }
        program.MarkValid(pkt, header);
        c.Trace?.Line($"Extracting header '{h.Name}'");
        cursor += totalBytes;
        return ParserErrorKind.NoError;
    }
}

/// <summary>A deparser: the emit order of headers (invalid ones are skipped).</summary>
public sealed record P4Deparser(string Name, int[] Order);
