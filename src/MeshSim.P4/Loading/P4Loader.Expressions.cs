using System.Text.Json;
using MeshSim.P4.Execution;
using MeshSim.P4.Model;

namespace MeshSim.P4.Loading;

internal sealed partial class LoaderRun
{
    /// <summary>Deepest nesting of operands the loader compiles. Compilation and evaluation recurse
    /// once per level; p4c's output stays far below this, and the limit keeps both within any stack.</summary>
    public const int MaxExpressionDepth = 128;
    private int _operandDepth;

    /// <summary>Compiles a type/value object used as an operand. <paramref name="parameter"/>: it is
    /// a primitive's or parser op's parameter, whose <c>expression</c> value bmv2 reads as one more
    /// type/value object (p4c's double wrapping); inside expressions the value is the op itself.</summary>
    internal Expr Operand(JsonElement tv, string path, P4Action? action = null, bool parameter = false)
    {
        if (_operandDepth >= MaxExpressionDepth)
            throw new LoadException(path, $"expression nested deeper than the loader's limit of {MaxExpressionDepth} levels");
        _operandDepth++;
        try { return OperandAt(tv, path, action, parameter); }
        finally { _operandDepth--; }
    }

    private Expr OperandAt(JsonElement tv, string path, P4Action? action, bool parameter)
    {
        string type = Json.Str(tv, "type", path);
        var v = Json.Req(tv, "value", path);
        string vp = path + ".value";
        switch (type)
        {
            case "hexstr": return new ConstExpr(Json.Hex(v, vp));
            case "bool": return new ConstExpr(v.ValueKind == JsonValueKind.True ? UInt128.One : UInt128.Zero);
            case "field":
            {
                var (h, f) = Json.Pair(v, vp);
                if (f == "$valid$")
                {
                    if (!Program.HeaderByName.TryGetValue(h, out var hi)) throw new LoadException(vp, $"invalid reference to object of type 'header' with name '{h}'");
                    return new ValidFieldExpr(hi);
                }
                return new FieldExpr(ResolveField(v, vp));
            }
            case "runtime_data":
            case "local":
            {
                int i = Json.AsInt(v, vp);
                if (action is not null && (i < 0 || i >= action.Params.Length))
                    throw new LoadException(vp, $"runtime data index {i} out of range: action '{action.Name}' has {action.Params.Length} parameter(s)");
                return new LocalExpr(i);
            }
            case "header": return new HeaderExpr(ResolveHeader(v, vp));
            case "header_stack": return new StackRefExpr(Lookup(_stacks, v, "header_stack", vp));
            case "header_union": return new UnionRefExpr(Lookup(_unions, v, "header_union", vp));
            case "stack_field":
            {
                var (s, f) = Json.Pair(v, vp);
                var st = _stacks.TryGetValue(s, out var x) ? x : throw new LoadException(vp, $"invalid reference to object of type 'header_stack' with name '{s}'");
                int off = st.Type.FieldIndex(f);
                if (off < 0) throw new LoadException(vp, $"stack '{s}' has no field '{f}'");
                return new StackFieldExpr(st, off, Program);
            }
            case "register":
            {
                if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() != 2) throw new LoadException(vp, "expected [register_array, index expression]", Json.Snip(v));
                var reg = Lookup(Program.Registers, v[0], "register_array", vp + "[0]");
                return new RegisterExpr(reg, Operand(v[1], vp + "[1]", action));
            }
            case "expression":
                if (!parameter) return ExprValue(v, vp, action);
                // bmv2: build_expression(parameter["value"]) reads "type" from the value; an op object has none.
                if (v.ValueKind != JsonValueKind.Object || !v.TryGetProperty("type", out _))
                    throw new LoadException(vp, "Invalid 'type' in expression: '' (a parameter's expression value is a type/value object: {\"type\":\"expression\",\"value\":{\"op\":...}})", Json.Snip(v));
                return Operand(v, vp, action);
            case "lookahead": throw new LoadException(path, "lookahead is only allowed in parser transition keys and parser 'set' operations");
            default: throw new LoadException(path + ".type", $"operand type '{type}' is not supported here");
        }
    }

    /// <summary>The <c>value</c> of an <c>expression</c> operand: the op object (bmv2 reads
    /// <c>value.op</c>, <c>value.left</c>, <c>value.right</c>; a nested type/value object is refused, as bmv2 has no op "" ).</summary>
    private Expr ExprValue(JsonElement v, string path, P4Action? action)
    {
        if (v.ValueKind == JsonValueKind.Object && !v.TryGetProperty("op", out _) && v.TryGetProperty("type", out _))
            throw new LoadException(path, "an expression's value here is the {\"op\",\"left\",\"right\"} object itself, not another type/value object", Json.Snip(v));
        string op = Json.Str(v, "op", path);
        JsonElement left = Json.Has(v, "left", out var l) ? l : default;
        JsonElement right = Json.Has(v, "right", out var r) ? r : default;
        Expr L() => left.ValueKind == JsonValueKind.Undefined ? throw new LoadException(path, $"operator '{op}' needs a left operand", Json.Snip(v)) : Operand(left, path + ".left", action);
        Expr R() => right.ValueKind == JsonValueKind.Undefined ? throw new LoadException(path, $"operator '{op}' needs a right operand", Json.Snip(v)) : Operand(right, path + ".right", action);
        switch (op)
        {
            case "+": return new BinaryExpr(BinaryOp.Add, L(), R());
            case "-": return left.ValueKind == JsonValueKind.Undefined ? new UnaryExpr(UnaryOp.Negate, R()) : new BinaryExpr(BinaryOp.Sub, L(), R());
            case "*": return new BinaryExpr(BinaryOp.Mul, L(), R());
            case "/": return new BinaryExpr(BinaryOp.Div, L(), R());
            case "%": return new BinaryExpr(BinaryOp.Mod, L(), R());
            case "<<": return new BinaryExpr(BinaryOp.Shl, L(), R());
            case ">>": return new BinaryExpr(BinaryOp.Shr, L(), R());
            case "==": return new BinaryExpr(BinaryOp.Eq, L(), R());
            case "!=": return new BinaryExpr(BinaryOp.Ne, L(), R());
            case ">": return new BinaryExpr(BinaryOp.Gt, L(), R());
            case ">=": return new BinaryExpr(BinaryOp.Ge, L(), R());
            case "<": return new BinaryExpr(BinaryOp.Lt, L(), R());
            case "<=": return new BinaryExpr(BinaryOp.Le, L(), R());
            case "and": return new BinaryExpr(BinaryOp.And, L(), R());
            case "or": return new BinaryExpr(BinaryOp.Or, L(), R());
            case "&": return new BinaryExpr(BinaryOp.BitAnd, L(), R());
            case "|": return new BinaryExpr(BinaryOp.BitOr, L(), R());
            case "^": return new BinaryExpr(BinaryOp.BitXor, L(), R());
            case "not": return new UnaryExpr(UnaryOp.Not, R());
            case "~": return new UnaryExpr(UnaryOp.Complement, R());
            case "d2b": return new UnaryExpr(UnaryOp.D2B, R());
            case "b2d": return new UnaryExpr(UnaryOp.B2D, R());
            case "two_comp_mod": return new BinaryExpr(BinaryOp.TwoCompMod, L(), R());
            case "usat_cast": return new BinaryExpr(BinaryOp.UsatCast, L(), R());
            case "valid":
            {
                var h = R();
                if (h is UnionRefExpr u) return new ValidUnionExpr(u.Union);
                if (!h.IsHeaderValued) throw new LoadException(path + ".right", "'valid' needs a header operand", Json.Snip(right));
                return new ValidOfExpr(h);
            }
            case "valid_union":
            {
                var u = R() as UnionRefExpr ?? throw new LoadException(path + ".right", "'valid_union' needs a header_union operand", Json.Snip(right));
                return new ValidUnionExpr(u.Union);
            }
            case "?":
            {
                var cond = Operand(Json.Req(v, "cond", path), path + ".cond", action);
                return new TernaryExpr(cond, L(), R());
            }
            case "dereference_header_stack":
            {
                var s = L() as StackRefExpr ?? throw new LoadException(path + ".left", "expected a header_stack", Json.Snip(left));
                return new StackDerefExpr(s.Stack, R());
            }
            case "last_stack_index":
            case "size_stack":
            {
                var s = R() as StackRefExpr ?? throw new LoadException(path + ".right", "expected a header_stack", Json.Snip(right));
                return new StackInfoExpr(s.Stack, op == "last_stack_index");
            }
            case "access_field":
            {
                var h = L();
                if (!h.IsHeaderValued) throw new LoadException(path + ".left", "access_field needs a header-valued left operand", Json.Snip(left));
                int off = Json.AsInt(right, path + ".right");
                return new AccessFieldExpr(h, off, Program);
            }
            case "sat_cast":
                throw new LoadException(path + ".op", "signed saturating cast ('sat_cast') is not supported: MeshSim keeps values as unsigned bit patterns");
            case "dereference_union_stack":
            case "access_union_header":
                throw new LoadException(path + ".op", $"'{op}' (header union stacks) is not supported");
            default:
                throw new LoadException(path + ".op", $"unknown expression operator '{op}'");
        }
    }

    /// <summary>Operand kinds in primitive signatures.</summary>
    private enum P { Data, LValue, Header, Stack, Union, Counter, Meter, Register, Calc, Str, Vector, Any }

    private static readonly Dictionary<string, P[]> Signatures = new(StringComparer.Ordinal)
    {
        ["assign"] = [P.LValue, P.Data], ["modify_field"] = [P.LValue, P.Data],
        ["assign_VL"] = [P.Any, P.Any],
        ["assign_header"] = [P.Header, P.Header], ["copy_header"] = [P.Header, P.Header],
        ["assign_union"] = [P.Union, P.Union], ["assign_header_stack"] = [P.Stack, P.Stack],
        ["push"] = [P.Stack, P.Data], ["pop"] = [P.Stack, P.Data],
        ["add_to_field"] = [P.LValue, P.Data], ["subtract_from_field"] = [P.LValue, P.Data],
        ["add"] = [P.LValue, P.Data, P.Data], ["subtract"] = [P.LValue, P.Data, P.Data],
        ["bit_xor"] = [P.LValue, P.Data, P.Data], ["bit_or"] = [P.LValue, P.Data, P.Data], ["bit_and"] = [P.LValue, P.Data, P.Data],
        ["shift_left"] = [P.LValue, P.Data, P.Data], ["shift_right"] = [P.LValue, P.Data, P.Data],
        ["drop"] = [], ["exit"] = [], ["no_op"] = [],
        ["_jump"] = [P.Data], ["_jump_if_zero"] = [P.Data, P.Data],
        ["assume"] = [P.Data], ["assert"] = [P.Data], ["log_msg"] = [P.Str, P.Vector],
        ["add_header"] = [P.Header], ["add_header_fast"] = [P.Header], ["remove_header"] = [P.Header],
        ["count"] = [P.Counter, P.Data], ["execute_meter"] = [P.Meter, P.Data, P.LValue],
        ["register_read"] = [P.LValue, P.Register, P.Data], ["register_write"] = [P.Register, P.Data, P.Data],
        ["modify_field_with_hash_based_offset"] = [P.LValue, P.Data, P.Calc, P.Data],
        ["modify_field_rng_uniform"] = [P.LValue, P.Data, P.Data],
        ["clone_ingress_pkt_to_egress"] = [P.Data, P.Data], ["clone_egress_pkt_to_egress"] = [P.Data, P.Data],
        ["resubmit"] = [P.Data], ["recirculate"] = [P.Data], ["truncate"] = [P.Data],
        ["generate_digest"] = [P.Data, P.Data],
    };

    /// <summary>Compiles one primitive call, checking its name and arity (mark_to_drop takes 0 or 1 argument across p4c versions).</summary>
    internal Primitive CompilePrimitive(JsonElement prim, string path, P4Action? action)
    {
        string op = Json.Str(prim, "op", path);
        var args = Json.Items(prim, "parameters", path).ToArray();
        if (op == "mark_to_drop")
        {
            if (args.Length > 1) throw new LoadException(path, "mark_to_drop takes at most 1 parameter (standard_metadata)");
            return new MarkToDropPrim(Program) { Op = op };
        }
        if (!Signatures.TryGetValue(op, out var sig))
            throw new LoadException(path + ".op", $"primitive '{op}' is not supported by MeshSim's simple_switch model");
        // P4_14 programs may omit trailing field-list ids; accept fewer for those.
        bool optionalTail = op is "resubmit" or "recirculate" or "clone_ingress_pkt_to_egress" or "clone_egress_pkt_to_egress";
        int min = optionalTail ? sig.Length - 1 : sig.Length;
        if (args.Length < min || args.Length > sig.Length)
            throw new LoadException(path, $"primitive '{op}' takes {sig.Length} parameter(s), got {args.Length}");
        Expr D(int i) => Operand(args[i].Item, args[i].Path, action, parameter: true);
        Expr? OptD(int i) => i < args.Length ? D(i) : null;
        Expr LV(int i)
        {
            var e = D(i);
            if (e is ConstExpr or LocalExpr or ValidFieldExpr) throw new LoadException(args[i].Path, $"primitive '{op}' needs a writable field here", Json.Snip(args[i].Item));
            return e;
        }
        Expr H(int i)
        {
            var e = D(i);
            return e.IsHeaderValued ? e : throw new LoadException(args[i].Path, $"primitive '{op}' needs a header here", Json.Snip(args[i].Item));
        }
        T Named<T>(int i, Dictionary<string, T> d, string kind) => Lookup(d, Json.Req(args[i].Item, "value", args[i].Path), kind, args[i].Path + ".value");
        HeaderStack Stk(int i) => (D(i) as StackRefExpr)?.Stack ?? throw new LoadException(args[i].Path, "expected a header_stack", Json.Snip(args[i].Item));
        HeaderUnion Uni(int i) => (D(i) as UnionRefExpr)?.Union ?? throw new LoadException(args[i].Path, "expected a header_union", Json.Snip(args[i].Item));

        switch (op)
        {
            case "assign":
            case "modify_field":
            {
                var dst = D(0);
                if (dst.IsHeaderValued) return new AssignHeaderPrim(dst, H(1), Program) { Op = op };
                if (dst is UnionRefExpr du) return new AssignUnionPrim(du.Union, Uni(1), Program) { Op = op };
                if (dst is ConstExpr or LocalExpr or ValidFieldExpr) throw new LoadException(args[0].Path, $"primitive '{op}' needs a writable field here", Json.Snip(args[0].Item));
                return new AssignPrim(dst, D(1)) { Op = op };
            }
            case "assign_VL":
                throw new LoadException(path + ".op", "assign_VL (copying variable-length fields) is not supported");
            case "assign_header": case "copy_header": return new AssignHeaderPrim(H(0), H(1), Program) { Op = op };
            case "assign_union": return new AssignUnionPrim(Uni(0), Uni(1), Program) { Op = op };
            case "assign_header_stack": return new AssignStackPrim(Stk(0), Stk(1), Program) { Op = op };
            case "push": return new PushPopPrim(Stk(0), D(1), true, Program) { Op = op };
            case "pop": return new PushPopPrim(Stk(0), D(1), false, Program) { Op = op };
            case "add_to_field": return new ArithPrim(LV(0), D(1), null, BinaryOp.Add) { Op = op };
            case "subtract_from_field": return new ArithPrim(LV(0), D(1), null, BinaryOp.Sub) { Op = op };
            case "add": return new ArithPrim(LV(0), D(1), D(2), BinaryOp.Add) { Op = op };
            case "subtract": return new ArithPrim(LV(0), D(1), D(2), BinaryOp.Sub) { Op = op };
            case "bit_xor": return new ArithPrim(LV(0), D(1), D(2), BinaryOp.BitXor) { Op = op };
            case "bit_or": return new ArithPrim(LV(0), D(1), D(2), BinaryOp.BitOr) { Op = op };
            case "bit_and": return new ArithPrim(LV(0), D(1), D(2), BinaryOp.BitAnd) { Op = op };
            case "shift_left": return new ArithPrim(LV(0), D(1), D(2), BinaryOp.Shl) { Op = op };
            case "shift_right": return new ArithPrim(LV(0), D(1), D(2), BinaryOp.Shr) { Op = op };
            case "drop": return new MarkToDropPrim(Program) { Op = op };
            case "exit": return new ExitPrim { Op = op };
            case "no_op": return new NoOpPrim { Op = op };
            case "_jump": return new JumpPrim(null, D(0)) { Op = op };
            case "_jump_if_zero": return new JumpPrim(D(0), D(1)) { Op = op };
            case "assume": case "assert": return new AssertPrim(D(0), Program) { Op = op };
            case "log_msg":
            {
                string fmt = Json.Req(args[0].Item, "value", args[0].Path).GetString() ?? "";
                var vec = Json.Req(args[1].Item, "value", args[1].Path);
                var items = Json.Elements(vec, args[1].Path + ".value").Select(x => Operand(x.Item, x.Path, action)).ToArray();
                return new LogMsgPrim(fmt, items) { Op = op };
            }
            case "add_header": case "add_header_fast": return new SetValidPrim(H(0), true, Program) { Op = op };
            case "remove_header": return new SetValidPrim(H(0), false, Program) { Op = op };
            case "count":
            {
                var c = Named(0, Program.Counters, "counter_array");
                if (c.IsDirect) throw new LoadException(args[0].Path, $"counter '{c.Name}' is direct; 'count' needs an indirect counter");
                return new CountPrim(c, D(1), Program) { Op = op };
            }
            case "execute_meter":
            {
                var m = Named(0, Program.Meters, "meter_array");
                if (m.IsDirect) throw new LoadException(args[0].Path, $"meter '{m.Name}' is direct; 'execute_meter' needs an indirect meter");
                return new ExecuteMeterPrim(m, D(1), LV(2), Program) { Op = op };
            }
            case "register_read": return new RegisterReadPrim(LV(0), Named(1, Program.Registers, "register_array"), D(2)) { Op = op };
            case "register_write": return new RegisterWritePrim(Named(0, Program.Registers, "register_array"), D(1), D(2)) { Op = op };
            case "modify_field_with_hash_based_offset":
                return new HashOffsetPrim(LV(0), D(1), Named(2, Program.Calculations, "calculation"), D(3)) { Op = op };
            case "modify_field_rng_uniform": return new RandomPrim(LV(0), D(1), D(2), Program) { Op = op };
            case "clone_ingress_pkt_to_egress": return new V1ModelPrim(V1Op.CloneI2E, D(0), OptD(1)) { Op = op };
            case "clone_egress_pkt_to_egress": return new V1ModelPrim(V1Op.CloneE2E, D(0), OptD(1)) { Op = op };
            case "resubmit": return new V1ModelPrim(V1Op.Resubmit, OptD(0), null) { Op = op };
            case "recirculate": return new V1ModelPrim(V1Op.Recirculate, OptD(0), null) { Op = op };
            case "truncate": return new V1ModelPrim(V1Op.Truncate, D(0), null) { Op = op };
            case "generate_digest": return new V1ModelPrim(V1Op.Digest, null, null) { Op = op };
        }
        throw new LoadException(path + ".op", $"primitive '{op}' is not supported");
    }

    private void LoadActions()
    {
        foreach (var (a, path) in Json.Items(root, "actions", ""))
            Guard(() =>
            {
                string name = Json.Str(a, "name", path);
                int id = Json.Int(a, "id", path);
                var ps = Json.Items(a, "runtime_data", path).Select(x => (Json.Str(x.Item, "name", x.Path), Json.Int(x.Item, "bitwidth", x.Path))).ToArray();
                foreach (var (pn, pw) in ps) if (pw <= 0 || pw > 128) throw new LoadException(path + ".runtime_data", $"parameter '{pn}' is {pw} bits; 1..128 supported");
                var action = new P4Action { Name = name, Id = id, Params = ps };
                if (!Program.ActionsById.TryAdd(id, action)) throw new LoadException(path + ".id", $"duplicate action id {id}");
                // Several actions may share a name (p4c makes per-control copies); the first wins for name lookup.
                Program.ActionsByName.TryAdd(name, action);
                action.Body = Json.Items(a, "primitives", path).Select(x => CompilePrimitive(x.Item, x.Path, action)).ToArray();
            });
    }
}

/// <summary>A header stack as an operand (only primitives and stack operators use it).</summary>
internal sealed class StackRefExpr(HeaderStack stack) : Expr
{
    public HeaderStack Stack { get; } = stack;
    public override UInt128 Eval(ExecContext c) => (UInt128)(uint)c.Pkt.StackNext[Stack.Index];
}

/// <summary>A header union as an operand.</summary>
internal sealed class UnionRefExpr(HeaderUnion union) : Expr
{
    public HeaderUnion Union { get; } = union;
    public override UInt128 Eval(ExecContext c) { foreach (var h in Union.Headers) if (c.Pkt.Valid[h]) return 1; return 0; }
}
