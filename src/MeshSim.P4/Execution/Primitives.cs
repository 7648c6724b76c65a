using MeshSim.P4.Model;

namespace MeshSim.P4.Execution;

/// <summary>One primitive call inside an action body. <see cref="Run"/> returns the index of the next call (for <c>_jump</c>).</summary>
public abstract class Primitive
{
    public required string Op { get; init; }
    public virtual int Run(ExecContext c, int pc) { Execute(c); return pc + 1; }
    protected virtual void Execute(ExecContext c) { }
}

/// <summary>An action: named runtime parameters and a body of primitive calls.</summary>
public sealed class P4Action
{
    public required string Name { get; init; }
    public required int Id { get; init; }
    public required (string Name, int Width)[] Params { get; init; }
    public Primitive[] Body { get; set; } = [];

    /// <summary>Runs the body with <paramref name="data"/> as the runtime data.</summary>
    public void Execute(ExecContext c, UInt128[] data)
    {
        var saved = c.ActionData;
        c.ActionData = data;
        var body = Body;
        int pc = 0, steps = 0;
        while ((uint)pc < (uint)body.Length && !c.Pkt.ExitFlag)
        {
            pc = body[pc].Run(c, pc);
            if (++steps > 100_000) { c.Note($"action {Name}: jump loop stopped after 100000 steps"); break; }
        }
        c.ActionData = saved;
    }
}

internal sealed class AssignPrim(Expr dst, Expr src) : Primitive
{
    protected override void Execute(ExecContext c)
    {
        int f = dst.EvalField(c);
        if (f >= 0) c.Write(f, src.Eval(c));
        else c.Note($"{Op}: destination does not resolve to a field; skipped");
    }
}

/// <summary><c>assign_header</c>/<c>copy_header</c>: copies validity and all fields.</summary>
internal sealed class AssignHeaderPrim(Expr dst, Expr src, P4Program p) : Primitive
{
    protected override void Execute(ExecContext c)
    {
        int d = dst.EvalHeader(c), s = src.EvalHeader(c);
        if (d < 0 || s < 0) { c.Note($"{Op}: header reference out of bounds; skipped"); return; }
        p.CopyHeader(c.Pkt, s, d);
    }
}

internal sealed class AssignUnionPrim(HeaderUnion dst, HeaderUnion src, P4Program p) : Primitive
{
    protected override void Execute(ExecContext c)
    {
        for (int i = 0; i < dst.Headers.Length && i < src.Headers.Length; i++) p.CopyHeader(c.Pkt, src.Headers[i], dst.Headers[i]);
    }
}

internal sealed class AssignStackPrim(HeaderStack dst, HeaderStack src, P4Program p) : Primitive
{
    protected override void Execute(ExecContext c)
    {
        for (int i = 0; i < dst.Headers.Length && i < src.Headers.Length; i++) p.CopyHeader(c.Pkt, src.Headers[i], dst.Headers[i]);
        c.Pkt.StackNext[dst.Index] = c.Pkt.StackNext[src.Index];
    }
}

/// <summary><c>push(stack, n)</c>: shifts elements up by n; the n front slots become invalid.</summary>
internal sealed class PushPopPrim(HeaderStack stack, Expr count, bool push, P4Program p) : Primitive
{
    protected override void Execute(ExecContext c)
    {
        var pkt = c.Pkt;
        int size = stack.Headers.Length;
        var n128 = count.Eval(c);
        int n = n128 > (UInt128)size ? size : (int)n128;
        if (push)
        {
            for (int i = size - 1; i >= n; i--) p.CopyHeader(pkt, stack.Headers[i - n], stack.Headers[i]);
            for (int i = 0; i < n; i++) pkt.Valid[stack.Headers[i]] = false;
            pkt.StackNext[stack.Index] = Math.Min(size, pkt.StackNext[stack.Index] + n);
        }
        else
        {
            for (int i = 0; i + n < size; i++) p.CopyHeader(pkt, stack.Headers[i + n], stack.Headers[i]);
            for (int i = Math.Max(0, size - n); i < size; i++) pkt.Valid[stack.Headers[i]] = false;
            pkt.StackNext[stack.Index] = Math.Max(0, pkt.StackNext[stack.Index] - n);
        }
    }
}

/// <summary>P4_14 arithmetic primitives: <c>add_to_field</c>, <c>add</c>, <c>bit_and</c>, ...</summary>
internal sealed class ArithPrim(Expr dst, Expr a, Expr? b, BinaryOp op) : Primitive
{
    protected override void Execute(ExecContext c)
    {
        int f = dst.EvalField(c);
        if (f < 0) return;
        UInt128 x, y;
        if (b is null) { x = c.Read(f); y = a.Eval(c); } else { x = a.Eval(c); y = b.Eval(c); }
        UInt128 r = op switch
        {
            BinaryOp.Add => x + y, BinaryOp.Sub => x - y, BinaryOp.BitAnd => x & y, BinaryOp.BitOr => x | y,
            BinaryOp.BitXor => x ^ y, BinaryOp.Shl => Bits.Shl(x, y), BinaryOp.Shr => Bits.Shr(x, y), _ => x,
        };
        c.Write(f, r);
    }
}

/// <summary><c>mark_to_drop</c>/<c>drop</c>: egress_spec := DROP_PORT (511) and mcast_grp := 0.</summary>
internal sealed class MarkToDropPrim(P4Program p) : Primitive
{
    protected override void Execute(ExecContext c)
    {
        if (p.Std.EgressSpec >= 0) c.Write(p.Std.EgressSpec, V1Model.DropPort);
        if (p.Std.McastGrp >= 0) c.Write(p.Std.McastGrp, 0);
    }
}

internal sealed class ExitPrim : Primitive
{
    protected override void Execute(ExecContext c) => c.Pkt.ExitFlag = true;
}

internal sealed class NoOpPrim : Primitive;

internal sealed class JumpPrim(Expr? cond, Expr target) : Primitive
{
    public override int Run(ExecContext c, int pc)
    {
        if (cond is null || cond.Eval(c) == UInt128.Zero) return (int)(uint)target.Eval(c);
        return pc + 1;
    }
}

/// <summary><c>assert</c>/<c>assume</c>: bmv2 aborts the switch; MeshSim drops the packet and traces the failure.</summary>
internal sealed class AssertPrim(Expr cond, P4Program p) : Primitive
{
    protected override void Execute(ExecContext c)
    {
        if (cond.Eval(c) != UInt128.Zero) return;
        c.Note($"{Op} failed: packet dropped (bmv2 would abort)");
        if (p.Std.EgressSpec >= 0) c.Write(p.Std.EgressSpec, V1Model.DropPort);
        if (p.Std.McastGrp >= 0) c.Write(p.Std.McastGrp, 0);
        c.Pkt.ExitFlag = true;
    }
}

internal sealed class LogMsgPrim(string format, Expr[] args) : Primitive
{
    protected override void Execute(ExecContext c)
    {
        if (c.Trace is null) return;
        var sb = new System.Text.StringBuilder();
        int ai = 0;
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] == '{' && i + 1 < format.Length && format[i + 1] == '}' && ai < args.Length) { sb.Append(args[ai++].Eval(c)); i++; }
            else sb.Append(format[i]);
        }
        c.Note("log_msg: " + sb);
    }
}

/// <summary><c>add_header</c> (setValid) / <c>remove_header</c> (setInvalid). Setting a union member valid invalidates its siblings.</summary>
internal sealed class SetValidPrim(Expr header, bool valid, P4Program p) : Primitive
{
    protected override void Execute(ExecContext c)
    {
        int h = header.EvalHeader(c);
        if (h < 0) { c.Note($"{Op}: header reference out of bounds; skipped"); return; }
        if (valid) p.MarkValid(c.Pkt, h); else c.Pkt.Valid[h] = false;
    }
}

internal sealed class CountPrim(CounterArray counter, Expr index, P4Program p) : Primitive
{
    protected override void Execute(ExecContext c)
    {
        var i = index.Eval(c);
        if (i >= (UInt128)counter.Size) { c.Note($"count {counter.Name}[{i}]: index out of bounds"); return; }
        counter.Packets[(int)i]++;
        counter.Bytes[(int)i] += (ulong)p.PacketLengthForCounters(c);
    }
}

internal sealed class ExecuteMeterPrim(MeterArray meter, Expr index, Expr dst, P4Program p) : Primitive
{
    protected override void Execute(ExecContext c)
    {
        var i = index.Eval(c);
        if (i >= (UInt128)meter.Size) { c.Note($"execute_meter {meter.Name}[{i}]: index out of bounds"); return; }
        int color = meter.Execute(ref meter.Cells[(int)i], p.PacketLengthForCounters(c), c.NowNs);
        int f = dst.EvalField(c);
        if (f >= 0) c.Write(f, (UInt128)(uint)color);
    }
}

internal sealed class RegisterReadPrim(Expr dst, RegisterArray reg, Expr index) : Primitive
{
    protected override void Execute(ExecContext c)
    {
        var i = index.Eval(c);
        int f = dst.EvalField(c);
        if (i >= (UInt128)reg.Size) { c.Note($"register_read {reg.Name}[{i}]: index out of bounds"); return; }
        if (f >= 0) c.Write(f, reg.Cells[(int)i]);
    }
}

internal sealed class RegisterWritePrim(RegisterArray reg, Expr index, Expr src) : Primitive
{
    protected override void Execute(ExecContext c)
    {
        var i = index.Eval(c);
        if (i >= (UInt128)reg.Size) { c.Note($"register_write {reg.Name}[{i}]: index out of bounds"); return; }
        reg.Cells[(int)i] = src.Eval(c) & reg.Mask;
    }
}

/// <summary><c>modify_field_with_hash_based_offset(dst, base, calc, size)</c>: dst = base + hash % size (what v1model <c>hash()</c> compiles to).</summary>
internal sealed class HashOffsetPrim(Expr dst, Expr @base, Calculation calc, Expr size) : Primitive
{
    protected override void Execute(ExecContext c)
    {
        UInt128 h = calc.Compute(c);
        var s = size.Eval(c);
        var v = @base.Eval(c) + (s == UInt128.Zero ? h : h % s);
        int f = dst.EvalField(c);
        if (f >= 0) c.Write(f, v);
    }
}

/// <summary><c>modify_field_rng_uniform(dst, lo, hi)</c> from the switch's seeded generator (deterministic per seed).</summary>
internal sealed class RandomPrim(Expr dst, Expr lo, Expr hi, P4Program p) : Primitive
{
    protected override void Execute(ExecContext c)
    {
        var a = lo.Eval(c); var b = hi.Eval(c);
        if (b < a) (a, b) = (b, a);
        var span = b - a + 1;
        UInt128 r = p.NextRandom();
        int f = dst.EvalField(c);
        if (f >= 0) c.Write(f, span == UInt128.Zero ? a + r : a + r % span);
    }
}

internal enum V1Op { CloneI2E, CloneE2E, Resubmit, Recirculate, Truncate, Digest }

internal sealed class V1ModelPrim(V1Op kind, Expr? a, Expr? b) : Primitive
{
    protected override void Execute(ExecContext c)
    {
        var pkt = c.Pkt;
        switch (kind)
        {
            case V1Op.CloneI2E:
            case V1Op.CloneE2E:
                pkt.CloneSession = (int)(uint)a!.Eval(c);
                pkt.CloneFieldList = b is null ? -1 : (int)(uint)b.Eval(c);
                break;
            case V1Op.Resubmit:
                pkt.Resubmit = true; pkt.ResubmitFieldList = a is null ? -1 : (int)(uint)a.Eval(c); break;
            case V1Op.Recirculate:
                pkt.Recirculate = true; pkt.RecirculateFieldList = a is null ? -1 : (int)(uint)a.Eval(c); break;
            case V1Op.Truncate:
                { var t = a!.Eval(c); pkt.TruncateLength = t > (UInt128)int.MaxValue ? int.MaxValue : (int)t; } break;
            case V1Op.Digest:
                c.Note("generate_digest: digest recorded (no control plane attached)"); break;
        }
    }
}
