using MeshSim.P4.Model;

namespace MeshSim.P4.Execution;

/// <summary>
/// A compiled bmv2 expression. Values are <see cref="UInt128"/> (booleans are 0/1); header-valued
/// expressions answer <see cref="EvalHeader"/> and lvalues answer <see cref="EvalField"/>.
/// Out-of-range stack indices never throw: reads give 0, writes go nowhere, and the trace says so.
/// </summary>
public abstract class Expr
{
    public abstract UInt128 Eval(ExecContext c);
    /// <summary>The header index this expression designates, or -1.</summary>
    public virtual int EvalHeader(ExecContext c) => -1;
    /// <summary>The global field index this lvalue designates, or -1.</summary>
    public virtual int EvalField(ExecContext c) => -1;
    public virtual bool IsHeaderValued => false;
}

public sealed class ConstExpr(UInt128 value) : Expr
{
    public UInt128 Value { get; } = value;
    public override UInt128 Eval(ExecContext c) => Value;
}

public sealed class FieldExpr(int field) : Expr
{
    public int Field { get; } = field;
    public override UInt128 Eval(ExecContext c) => c.Pkt.Fields[Field];
    public override int EvalField(ExecContext c) => Field;
}

/// <summary>The hidden <c>$valid$</c> field: 1 when the header is valid. Read-only.</summary>
public sealed class ValidFieldExpr(int header) : Expr
{
    public int Header { get; } = header;
    public override UInt128 Eval(ExecContext c) => c.Pkt.Valid[Header] ? UInt128.One : UInt128.Zero;
}

public sealed class LocalExpr(int index) : Expr
{
    public override UInt128 Eval(ExecContext c) => (uint)index < (uint)c.ActionData.Length ? c.ActionData[index] : UInt128.Zero;
}

public sealed class HeaderExpr(int header) : Expr
{
    public override UInt128 Eval(ExecContext c) => c.Pkt.Valid[header] ? UInt128.One : UInt128.Zero;
    public override int EvalHeader(ExecContext c) => header;
    public override bool IsHeaderValued => true;
}

/// <summary><c>dereference_header_stack</c>: stack[index] as a header.</summary>
public sealed class StackDerefExpr(HeaderStack stack, Expr index) : Expr
{
    public override UInt128 Eval(ExecContext c) { int h = EvalHeader(c); return h >= 0 && c.Pkt.Valid[h] ? UInt128.One : UInt128.Zero; }
    public override int EvalHeader(ExecContext c)
    {
        var i = index.Eval(c);
        if (i < (UInt128)stack.Headers.Length) return stack.Headers[(int)i];
        c.Note($"stack {stack.Name}: index {i} out of bounds (size {stack.Headers.Length})");
        return -1;
    }
    public override bool IsHeaderValued => true;
}

/// <summary><c>access_field</c>: the field at an offset of a header chosen at run time.</summary>
public sealed class AccessFieldExpr(Expr header, int offset, P4Program program) : Expr
{
    public override int EvalField(ExecContext c)
    {
        int h = header.EvalHeader(c);
        return h < 0 ? -1 : program.Headers[h].FieldBase + offset;
    }
    public override UInt128 Eval(ExecContext c) { int f = EvalField(c); return f < 0 ? UInt128.Zero : c.Pkt.Fields[f]; }
}

/// <summary><c>stack_field</c>: a field of the last valid instance in a stack.</summary>
public sealed class StackFieldExpr(HeaderStack stack, int offset, P4Program program) : Expr
{
    public override int EvalField(ExecContext c)
    {
        int last = c.Pkt.StackNext[stack.Index] - 1;
        return last < 0 ? -1 : program.Headers[stack.Headers[last]].FieldBase + offset;
    }
    public override UInt128 Eval(ExecContext c) { int f = EvalField(c); return f < 0 ? UInt128.Zero : c.Pkt.Fields[f]; }
}

public sealed class StackInfoExpr(HeaderStack stack, bool lastIndex) : Expr
{
    public override UInt128 Eval(ExecContext c)
    {
        int next = c.Pkt.StackNext[stack.Index];
        return lastIndex ? (next == 0 ? UInt128.MaxValue : (UInt128)(uint)(next - 1)) : (UInt128)(uint)next;
    }
}

public sealed class ValidUnionExpr(HeaderUnion union) : Expr
{
    public override UInt128 Eval(ExecContext c)
    {
        foreach (var h in union.Headers) if (c.Pkt.Valid[h]) return UInt128.One;
        return UInt128.Zero;
    }
}

/// <summary><c>valid</c> applied to a header-valued operand.</summary>
public sealed class ValidOfExpr(Expr header) : Expr
{
    public override UInt128 Eval(ExecContext c) { int h = header.EvalHeader(c); return h >= 0 && c.Pkt.Valid[h] ? UInt128.One : UInt128.Zero; }
}

public sealed class RegisterExpr(RegisterArray register, Expr index) : Expr
{
    public override UInt128 Eval(ExecContext c)
    {
        var i = index.Eval(c);
        return i < (UInt128)register.Size ? register.Cells[(int)i] : UInt128.Zero;
    }
}

public sealed class TernaryExpr(Expr cond, Expr left, Expr right) : Expr
{
    public override UInt128 Eval(ExecContext c) => cond.Eval(c) != UInt128.Zero ? left.Eval(c) : right.Eval(c);
    public override int EvalHeader(ExecContext c) => cond.Eval(c) != UInt128.Zero ? left.EvalHeader(c) : right.EvalHeader(c);
    public override bool IsHeaderValued => left.IsHeaderValued;
}

public enum UnaryOp { Not, Complement, Negate, D2B, B2D }

public sealed class UnaryExpr(UnaryOp op, Expr operand) : Expr
{
    public override UInt128 Eval(ExecContext c)
    {
        var v = operand.Eval(c);
        return op switch
        {
            UnaryOp.Not => v == UInt128.Zero ? UInt128.One : UInt128.Zero,
            UnaryOp.Complement => ~v,
            UnaryOp.Negate => UInt128.Zero - v,
            UnaryOp.D2B => v != UInt128.Zero ? UInt128.One : UInt128.Zero,
            _ => v,
        };
    }
}

public enum BinaryOp { Add, Sub, Mul, Div, Mod, Shl, Shr, Eq, Ne, Gt, Ge, Lt, Le, And, Or, BitAnd, BitOr, BitXor, TwoCompMod, UsatCast }

public sealed class BinaryExpr(BinaryOp op, Expr left, Expr right) : Expr
{
    public BinaryOp Op { get; } = op;
    public override UInt128 Eval(ExecContext c)
    {
        // Short-circuit boolean operators, as P4 requires.
        if (Op == BinaryOp.And) return left.Eval(c) != UInt128.Zero && right.Eval(c) != UInt128.Zero ? UInt128.One : UInt128.Zero;
        if (Op == BinaryOp.Or) return left.Eval(c) != UInt128.Zero || right.Eval(c) != UInt128.Zero ? UInt128.One : UInt128.Zero;
        var a = left.Eval(c);
        var b = right.Eval(c);
        return Op switch
        {
            BinaryOp.Add => a + b,
            BinaryOp.Sub => a - b,
            BinaryOp.Mul => a * b,
            BinaryOp.Div => b == UInt128.Zero ? UInt128.Zero : a / b,
            BinaryOp.Mod => b == UInt128.Zero ? UInt128.Zero : a % b,
            BinaryOp.Shl => Bits.Shl(a, b),
            BinaryOp.Shr => Bits.Shr(a, b),
            BinaryOp.Eq => a == b ? UInt128.One : UInt128.Zero,
            BinaryOp.Ne => a != b ? UInt128.One : UInt128.Zero,
            BinaryOp.Gt => a > b ? UInt128.One : UInt128.Zero,
            BinaryOp.Ge => a >= b ? UInt128.One : UInt128.Zero,
            BinaryOp.Lt => a < b ? UInt128.One : UInt128.Zero,
            BinaryOp.Le => a <= b ? UInt128.One : UInt128.Zero,
            BinaryOp.BitAnd => a & b,
            BinaryOp.BitOr => a | b,
            BinaryOp.BitXor => a ^ b,
            // Bit patterns are kept unsigned: the low `b` bits are the two's-complement value.
            BinaryOp.TwoCompMod => a & Bits.Mask(b >= 128 ? 128 : (int)b),
            BinaryOp.UsatCast => a > Bits.Mask(b >= 128 ? 128 : (int)b) ? Bits.Mask(b >= 128 ? 128 : (int)b) : a,
            _ => UInt128.Zero,
        };
    }
}

/// <summary>A parser lookahead used as a value (<c>set</c> source): bits at an offset from the cursor, without consuming them.</summary>
public sealed class LookaheadExpr(int bitOffset, int width) : Expr
{
    public override UInt128 Eval(ExecContext c)
    {
        int start = c.ParserCursor * 8 + bitOffset;
        if (start + width > c.Pkt.Length * 8) { c.LookaheadFailed = true; return UInt128.Zero; }
        return Bits.Read(c.Pkt.Data.AsSpan(0, c.Pkt.Length), start, width);
    }
}
