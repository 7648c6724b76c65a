using System.Text.Json;
using MeshSim.P4.Execution;
using MeshSim.P4.Model;

namespace MeshSim.P4.Loading;

internal sealed partial class LoaderRun
{
    private void LoadParsers()
    {
        var parsers = Json.Items(root, "parsers", "").ToArray();
        if (parsers.Length == 0) return;   // like bmv2: no parser, the whole packet is payload
        var (pj, path) = parsers.FirstOrDefault(x => Json.OptStr(x.Item, "name") == "parser");
        if (pj.ValueKind == JsonValueKind.Undefined) (pj, path) = parsers[0];
        Guard(() =>
        {
            var parser = new P4Parser(Json.Str(pj, "name", path), Program);
            var pending = new List<(Transition T, string Path)>();
            foreach (var (s, sp) in Json.Items(pj, "parse_states", path))
                Guard(() =>
                {
                    string name = Json.Str(s, "name", sp);
                    var ops = Json.Items(s, "parser_ops", sp).Select(x => CompileParserOp(x.Item, x.Path)).ToArray();
                    var key = Json.Items(s, "transition_key", sp).Select(x => CompileKeyPart(x.Item, x.Path)).ToArray();
                    int keyBytes = key.Sum(k => k.ByteWidth);
                    if (keyBytes > 16) throw new LoadException(sp + ".transition_key", $"transition key is {keyBytes} bytes; MeshSim supports up to 16");
                    var transitions = new List<Transition>();
                    foreach (var (t, tp) in Json.Items(s, "transitions", sp))
                    {
                        // Older JSON has no "type": a "default" value means the default transition.
                        string type = Json.OptStr(t, "type") ?? (Json.OptStr(t, "value") is null or "default" ? "default" : "hexstr");
                        string? next = Json.OptStr(t, "next_state");
                        UInt128 mask = Json.Has(t, "mask", out var m) ? Json.Hex(m, tp + ".mask") : UInt128.MaxValue;
                        Transition tr = type switch
                        {
                            "default" => new Transition { Kind = TransitionKind.Default, NextName = next },
                            "hexstr" => new Transition { Kind = TransitionKind.Value, Value = Json.Hex(Json.Req(t, "value", tp), tp + ".value"), Mask = mask, NextName = next },
                            "parse_vset" => new Transition { Kind = TransitionKind.ValueSet, Set = Lookup(Program.ValueSets, Json.Req(t, "value", tp), "parse_vset", tp + ".value"), Mask = mask, NextName = next },
                            _ => throw new LoadException(tp + ".type", $"transition type '{type}' is not supported (default, hexstr, parse_vset)"),
                        };
                        transitions.Add(tr);
                        if (next is not null) pending.Add((tr, tp + ".next_state"));
                    }
                    var state = new ParseState { Name = name, Ops = ops, Key = key, Transitions = transitions.ToArray() };
                    if (!parser.States.TryAdd(name, state)) throw new LoadException(sp + ".name", $"duplicate parse state '{name}'");
                });
            foreach (var (t, tp) in pending)
            {
                if (parser.States.TryGetValue(t.NextName!, out var st)) t.Next = st;
                else Errors.Add(new LoadError(tp, $"invalid reference to object of type 'parse_state' with name '{t.NextName}'"));
            }
            string init = Json.Str(pj, "init_state", path);
            parser.Init = parser.States.TryGetValue(init, out var i) ? i : throw new LoadException(path + ".init_state", $"invalid reference to object of type 'parse_state' with name '{init}'");
            Program.Parser = parser;
        });
    }

    private KeyPart CompileKeyPart(JsonElement k, string path)
    {
        string type = Json.Str(k, "type", path);
        var v = Json.Req(k, "value", path);
        if (type == "lookahead")
        {
            if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() != 2) throw new LoadException(path + ".value", "expected [bit offset, bitwidth]", Json.Snip(v));
            int off = Json.AsInt(v[0], path + ".value[0]"), w = Json.AsInt(v[1], path + ".value[1]");
            if (off < 0) throw new LoadException(path + ".value[0]", $"lookahead offset {off} must not be negative");
            if (w <= 0 || w > 128 || w > 120 && (off & 7) != 0) throw new LoadException(path + ".value[1]", $"lookahead width {w} is not supported (1..128, byte-aligned above 120)");
            return new KeyPart(null, off, w, Bits.ByteWidth(w));
        }
        var e = Operand(k, path);
        int width = e switch
        {
            FieldExpr f => Program.FieldWidths[f.Field],
            ValidFieldExpr => 1,
            StackFieldExpr => KeyWidthOfStackField(k, path),
            _ => throw new LoadException(path, $"transition key parts must be fields, stack fields or lookaheads, got '{type}'"),
        };
        return new KeyPart(e, 0, width, Bits.ByteWidth(width));
    }

    private int KeyWidthOfStackField(JsonElement k, string path)
    {
        var (s, f) = Json.Pair(Json.Req(k, "value", path), path + ".value");
        var st = _stacks[s];
        return st.Type.Fields[st.Type.FieldIndex(f)].Width;
    }

    private ParserOp CompileParserOp(JsonElement op, string path)
    {
        string kind = Json.Str(op, "op", path);
        var ps = Json.Items(op, "parameters", path).ToArray();
        void Arity(int n) { if (ps.Length != n) throw new LoadException(path, $"parser op '{kind}' takes {n} parameter(s), got {ps.Length}"); }
        switch (kind)
        {
            case "extract":
            case "extract_VL":
            {
                Arity(kind == "extract" ? 1 : 2);
                string t = Json.Str(ps[0].Item, "type", ps[0].Path);
                var v = Json.Req(ps[0].Item, "value", ps[0].Path);
                Expr? len = kind == "extract_VL" ? Operand(ps[1].Item, ps[1].Path, parameter: true) : null;
                if (t == "regular")
                {
                    int h = ResolveHeader(v, ps[0].Path + ".value");
                    var type = Program.Headers[h].Type;
                    if (type.FixedBits % 8 != 0) throw new LoadException(ps[0].Path + ".value", $"cannot extract '{Program.Headers[h].Name}': {type.FixedBits} bits is not a whole number of bytes");
                    if (type.VarbitIndex >= 0 && len is null) throw new LoadException(path, $"header '{Program.Headers[h].Name}' has a varbit field; use extract_VL with a length");
                    return new ParserOp { Kind = len is null ? ParserOpKind.Extract : ParserOpKind.ExtractVarbit, Target = h, A = len };
                }
                if (t == "stack")
                {
                    if (len is not null) throw new LoadException(path, "extract_VL into a header stack is not supported");
                    return new ParserOp { Kind = ParserOpKind.ExtractStack, Target = Lookup(_stacks, v, "header_stack", ps[0].Path + ".value").Index };
                }
                throw new LoadException(ps[0].Path + ".type", $"extract target type '{t}' is not supported (regular, stack)");
            }
            case "set":
            {
                Arity(2);
                var dst = Operand(ps[0].Item, ps[0].Path);
                if (dst is not (FieldExpr or AccessFieldExpr or StackFieldExpr)) throw new LoadException(ps[0].Path, "parser 'set' needs a field destination", Json.Snip(ps[0].Item));
                Expr src = Json.Str(ps[1].Item, "type", ps[1].Path) == "lookahead" ? LookaheadExpr(ps[1].Item, ps[1].Path) : Operand(ps[1].Item, ps[1].Path, parameter: true);
                return new ParserOp { Kind = ParserOpKind.Set, A = dst, B = src };
            }
            case "verify":
                Arity(2);
                return new ParserOp { Kind = ParserOpKind.Verify, A = Operand(ps[0].Item, ps[0].Path), B = Operand(ps[1].Item, ps[1].Path) };
            case "advance":
                Arity(1);
                return new ParserOp { Kind = ParserOpKind.Advance, A = Operand(ps[0].Item, ps[0].Path, parameter: true) };
            case "shift":
                Arity(1);
                return new ParserOp { Kind = ParserOpKind.Advance, A = new BinaryExpr(BinaryOp.Mul, Operand(ps[0].Item, ps[0].Path), new ConstExpr(8)) };
            case "primitive":
                Arity(1);
                return new ParserOp { Kind = ParserOpKind.Primitive, Call = CompilePrimitive(ps[0].Item, ps[0].Path, null) };
            default:
                throw new LoadException(path + ".op", $"parser op '{kind}' is not supported (extract, extract_VL, set, verify, shift, advance, primitive)");
        }
    }

    private Expr LookaheadExpr(JsonElement tv, string path)
    {
        var v = Json.Req(tv, "value", path);
        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() != 2) throw new LoadException(path + ".value", "expected [bit offset, bitwidth]", Json.Snip(v));
        int off = Json.AsInt(v[0], path + ".value[0]"), w = Json.AsInt(v[1], path + ".value[1]");
        if (off < 0) throw new LoadException(path + ".value[0]", $"lookahead offset {off} must not be negative");
        if (w <= 0 || w > 128 || w > 120 && (off & 7) + w > 128) throw new LoadException(path + ".value[1]", $"lookahead width {w} is not supported (1..128, byte-aligned above 120)");
        return new LookaheadExpr(off, w);
    }

    private void LoadDeparsers()
    {
        var ds = Json.Items(root, "deparsers", "").ToArray();
        if (ds.Length == 0) return;   // no deparser: only the payload is emitted
        var (dj, path) = ds.FirstOrDefault(x => Json.OptStr(x.Item, "name") == "deparser");
        if (dj.ValueKind == JsonValueKind.Undefined) (dj, path) = ds[0];
        Guard(() =>
        {
            var order = Json.Items(dj, "order", path).Select(x =>
            {
                int h = ResolveHeader(x.Item, x.Path);
                if (Program.Headers[h].Type.FixedBits % 8 != 0) throw new LoadException(x.Path, $"cannot emit '{Program.Headers[h].Name}': {Program.Headers[h].Type.FixedBits} bits is not a whole number of bytes");
                return h;
            }).ToArray();
            Program.Deparser = new P4Deparser(Json.Str(dj, "name", path), order);
        });
    }

    private void LoadPipelines()
    {
        foreach (var (pj, path) in Json.Items(root, "pipelines", ""))
            Guard(() =>
            {
                string name = Json.Str(pj, "name", path);
                var pipe = new Pipeline(name);
                var links = new List<Action>();
                foreach (var (ap, app) in Json.Items(pj, "action_profiles", path)) Guard(() => LoadActionProfile(ap, app));
                foreach (var (t, tp) in Json.Items(pj, "tables", path))
                    Guard(() =>
                    {
                        string? tn = Json.OptStr(t, "name");
                        if (tn is not null) _failed.Add("node:" + tn);
                        LoadTable(t, tp, pipe, links);
                        if (tn is not null) _failed.Remove("node:" + tn);
                    });
                foreach (var (c, cp) in Json.Items(pj, "conditionals", path))
                    Guard(() =>
                    {
                        var node = new ConditionalNode { Name = Json.Str(c, "name", cp), Condition = Operand(Json.Req(c, "expression", cp), cp + ".expression") };
                        AddNode(pipe, node, cp);
                        string? tn = Json.OptStr(c, "true_next"), fn = Json.OptStr(c, "false_next");
                        links.Add(() => { node.TrueNext = Node(pipe, tn, cp + ".true_next"); node.FalseNext = Node(pipe, fn, cp + ".false_next"); });
                    });
                foreach (var (a, acp) in Json.Items(pj, "action_calls", path))
                    Guard(() =>
                    {
                        int aid = Json.Int(a, "action_id", acp);
                        var action = Program.ActionsById.TryGetValue(aid, out var x) ? x : throw new LoadException(acp + ".action_id", $"no action with id {aid}");
                        var node = new ActionCallNode { Name = Json.Str(a, "name", acp), Action = action };
                        AddNode(pipe, node, acp);
                        string? nn = Json.OptStr(a, "next_node");
                        links.Add(() => node.Next = Node(pipe, nn, acp + ".next_node"));
                    });
                foreach (var link in links) Guard(link);
                string? init = Json.OptStr(pj, "init_table");
                pipe.Init = Node(pipe, init, path + ".init_table");
                if (name == "ingress" || (Program.Ingress is null && name != "egress")) Program.Ingress ??= pipe;
                if (name == "egress") Program.Egress = pipe;
            });
    }

    private void AddNode(Pipeline pipe, ControlNode node, string path)
    {
        if (!pipe.Nodes.TryAdd(node.Name, node)) throw new LoadException(path + ".name", $"duplicate control node '{node.Name}' in pipeline '{pipe.Name}'");
    }

    private ControlNode? Node(Pipeline pipe, string? name, string path)
    {
        if (name is null) return null;
        if (!pipe.Nodes.ContainsKey(name) && _failed.Contains("node:" + name)) return null; // already reported
        return pipe.Nodes.TryGetValue(name, out var n) ? n : throw new LoadException(path, $"invalid reference to table, conditional or action call '{name}' in pipeline '{pipe.Name}'");
    }

    private void LoadActionProfile(JsonElement ap, string path, string? nameOverride = null)
    {
        string name = nameOverride ?? Json.Str(ap, "name", path);
        Calculation? sel = null;
        if (Json.Has(ap, "selector", out var s))
        {
            string algo = Json.Str(s, "algo", path + ".selector");
            if (!HashAlgorithms.TryParse(algo, out var a))
                throw new LoadException(path + ".selector.algo", $"hash algorithm '{algo}' is not supported (supported: crc16, crc32, crcCCITT, csum16, identity, xor16)");
            var inputs = Json.Items(s, "input", path + ".selector").Select(x =>
            {
                int f = ResolveField(Json.Req(x.Item, "value", x.Path), x.Path + ".value");
                return new CalcInput(CalcInputKind.Field, f, Program.FieldWidths[f], 0);
            }).ToArray();
            sel = new Calculation(name + ".selector", a, inputs);
        }
        int max = Json.Has(ap, "max_size", out var m) ? Json.AsInt(m, path + ".max_size") : 1024;
        Program.ActionProfiles[name] = new ActionProfile(name, max, sel);
    }

    private void LoadTable(JsonElement t, string path, Pipeline pipe, List<Action> links)
    {
        string name = Json.Str(t, "name", path);
        var key = new List<KeyElement>();
        int offset = 0;
        foreach (var (k, kp) in Json.Items(t, "key", path))
        {
            string mt = Json.Str(k, "match_type", kp);
            var kind = mt switch
            {
                "exact" => MatchKind.Exact, "lpm" => MatchKind.Lpm, "ternary" => MatchKind.Ternary, "range" => MatchKind.Range,
                "optional" => MatchKind.Optional, "valid" => MatchKind.Valid,
                _ => throw new LoadException(kp + ".match_type", $"match type '{mt}' is not supported (exact, lpm, ternary, range, optional, valid)"),
            };
            var target = Json.Req(k, "target", kp);
            Expr src; int width; string kname, dumpName;
            if (kind == MatchKind.Valid || target.ValueKind == JsonValueKind.String)
            {
                int h = target.ValueKind == JsonValueKind.String ? ResolveHeader(target, kp + ".target") : ResolveHeader(target[0], kp + ".target[0]");
                src = new ValidFieldExpr(h); width = 1; kname = Program.Headers[h].Name + ".$valid$"; dumpName = Program.Headers[h].Name + "_valid";
            }
            else
            {
                var (hn, fn) = Json.Pair(target, kp + ".target");
                if (fn == "$valid$") { src = new ValidFieldExpr(ResolveHeader(target[0], kp + ".target[0]")); width = 1; }
                else { int f = ResolveField(target, kp + ".target"); src = new FieldExpr(f); width = Program.FieldWidths[f]; }
                kname = $"{hn}.{fn}";
                dumpName = kname;
            }
            kname = Json.OptStr(k, "name") ?? kname;
            int bw = Bits.ByteWidth(width);
            byte[]? mask = null;
            if (Json.Has(k, "mask", out var mj))
            {
                mask = new byte[bw];
                Bits.WriteBytes(mask, Json.Hex(mj, kp + ".mask"));
            }
            key.Add(new KeyElement(kname, kind, src, width, offset, bw, mask, dumpName));
            offset += bw;
        }
        var tableKind = key.Any(k => k.Kind == MatchKind.Range) ? MatchKind.Range
            : key.Any(k => k.Kind is MatchKind.Ternary or MatchKind.Optional) ? MatchKind.Ternary
            : key.Any(k => k.Kind == MatchKind.Lpm) ? MatchKind.Lpm : MatchKind.Exact;
        if (key.Count(k => k.Kind == MatchKind.Lpm) > 1) throw new LoadException(path + ".key", "a table may have at most one lpm key field");
        string type = Json.OptStr(t, "type") ?? "simple";
        var impl = type switch
        {
            "simple" => TableImpl.Simple, "indirect" => TableImpl.Indirect, "indirect_ws" => TableImpl.IndirectWs,
            _ => throw new LoadException(path + ".type", $"table type '{type}' is not supported (simple, indirect, indirect_ws)"),
        };
        ActionProfile? profile = null;
        if (impl != TableImpl.Simple)
        {
            // Older JSON declares the profile inline: "act_prof_name" (+ "selector") on the table.
            if (!Json.Has(t, "action_profile", out _) && Json.OptStr(t, "act_prof_name") is { } inline)
            {
                if (!Program.ActionProfiles.ContainsKey(inline)) LoadActionProfile(t, path, inline);
                profile = Program.ActionProfiles[inline];
            }
            else profile = Lookup(Program.ActionProfiles, Json.Req(t, "action_profile", path), "action_profile", path + ".action_profile");
            if (impl == TableImpl.IndirectWs && profile.Selector is null) throw new LoadException(path + ".action_profile", $"table type indirect_ws needs an action profile with a selector; '{profile.Name}' has none");
        }
        var actions = new HashSet<P4Action>();
        var actionIds = Json.Has(t, "action_ids", out var aids) ? Json.Elements(aids, path + ".action_ids").Select(x => Json.AsInt(x.Item, x.Path)).ToArray() : null;
        var actionNames = Json.Items(t, "actions", path).ToArray();
        for (int i = 0; i < actionNames.Length; i++)
        {
            var an = actionNames[i];
            if (actionIds is not null && i < actionIds.Length && Program.ActionsById.TryGetValue(actionIds[i], out var byId)) { actions.Add(byId); continue; }
            actions.Add(Lookup(Program.ActionsByName, an.Item, "action", an.Path));
        }
        if (profile is not null) foreach (var a in actions) profile.Actions.Add(a);
        if (Json.Bool(t, "support_timeout", false)) { /* entry ageing is accepted and never fires: virtual time has no idle notifications */ }
        int maxSize = Json.Has(t, "max_size", out var ms) ? Json.AsInt(ms, path + ".max_size") : 1024;
        var table = new MatchTable
        {
            Name = name, Id = Json.Int(t, "id", path), TableKind = tableKind, Impl = impl, Key = key.ToArray(), KeyBytes = offset,
            MaxSize = maxSize, Actions = actions, Profile = profile, WithCounters = Json.Bool(t, "with_counters", false),
        };
        table.Initialise();
        if (Json.Has(t, "direct_meters", out var dm))
        {
            var meter = Lookup(Program.Meters, dm, "meter_array", path + ".direct_meters");
            if (!meter.IsDirect) throw new LoadException(path + ".direct_meters", $"meter '{meter.Name}' is not direct");
            table.DirectMeter = meter;
        }
        if (Json.Has(t, "default_entry", out var de))
        {
            int aid = Json.Int(de, "action_id", path + ".default_entry");
            var action = Program.ActionsById.TryGetValue(aid, out var a) ? a : throw new LoadException(path + ".default_entry.action_id", $"no action with id {aid}");
            var data = ActionData(action, de, path + ".default_entry");
            table.DefaultAction = table.InitialDefault = new ActionBinding(action, data);
            table.DefaultActionConst = Json.Bool(de, "action_const", false);
            table.DefaultEntryConst = Json.Bool(de, "action_entry_const", false) && Json.Has(de, "action_data", out _);
        }
        foreach (var (e, ep) in Json.Items(t, "entries", path))
        {
            var match = Json.Items(e, "match_key", ep).Select(x => EntryParam(x.Item, x.Path, key)).ToArray();
            if (match.Length != key.Count) throw new LoadException(ep + ".match_key", $"table '{name}' needs {key.Count} key fields, entry has {match.Length}");
            var ae = Json.Req(e, "action_entry", ep);
            int aid = Json.Int(ae, "action_id", ep + ".action_entry");
            var action = Program.ActionsById.TryGetValue(aid, out var a) ? a : throw new LoadException(ep + ".action_entry.action_id", $"no action with id {aid}");
            int prio = Json.Has(e, "priority", out var pr) ? Json.AsInt(pr, ep + ".priority") : 0;
            var r = table.AddConstEntry(match, new ActionBinding(action, ActionData(action, ae, ep + ".action_entry")), prio);
            if (r != TableOpResult.Success) throw new LoadException(ep, $"entry rejected: {r.Code()}", Json.Snip(e));
        }
        table.Immutable = Json.Has(t, "entries", out var ents) && ents.GetArrayLength() > 0;
        AddNode(pipe, table, path);
        Program.Tables[name] = table;
        var next = Json.Has(t, "next_tables", out var nt) ? nt : default;
        string? baseNext = Json.OptStr(t, "base_default_next");
        links.Add(() =>
        {
            table.BaseDefaultNext = Node(pipe, baseNext, path + ".base_default_next");
            if (next.ValueKind != JsonValueKind.Object) return;
            foreach (var p in next.EnumerateObject())
            {
                var target = p.Value.ValueKind == JsonValueKind.String ? Node(pipe, p.Value.GetString(), $"{path}.next_tables.{p.Name}") : null;
                if (p.Name == "__HIT__") { table.UsesHitMiss = true; table.HitNext = target; }
                else if (p.Name == "__MISS__") { table.UsesHitMiss = true; table.MissNext = target; }
                else table.NextByAction[p.Name] = target;
            }
        });
    }

    private static UInt128[] ActionData(P4Action action, JsonElement holder, string path)
    {
        var data = Json.Items(holder, "action_data", path).Select(x => Json.Hex(x.Item, x.Path)).ToArray();
        if (data.Length != action.Params.Length) throw new LoadException(path + ".action_data", $"action '{action.Name}' takes {action.Params.Length} argument(s), got {data.Length}");
        for (int i = 0; i < data.Length; i++) data[i] &= Bits.Mask(action.Params[i].Width);
        return data;
    }

    private static MatchParam EntryParam(JsonElement m, string path, List<KeyElement> key)
    {
        string mt = Json.Str(m, "match_type", path);
        switch (mt)
        {
            case "exact": return new MatchParam(MatchKind.Exact, Json.Hex(Json.Req(m, "key", path), path + ".key"));
            case "lpm": return new MatchParam(MatchKind.Lpm, Json.Hex(Json.Req(m, "key", path), path + ".key"), 0, Json.Int(m, "prefix_length", path));
            case "ternary": return new MatchParam(MatchKind.Ternary, Json.Hex(Json.Req(m, "key", path), path + ".key"), Json.Hex(Json.Req(m, "mask", path), path + ".mask"));
            case "optional":
            {
                var k = Json.Hex(Json.Req(m, "key", path), path + ".key");
                // p4c writes a wildcard optional entry with a zero mask when present, else the value matches exactly.
                UInt128 mask = Json.Has(m, "mask", out var mk) ? Json.Hex(mk, path + ".mask") : UInt128.MaxValue;
                return new MatchParam(MatchKind.Optional, k, mask);
            }
            case "range": return new MatchParam(MatchKind.Range, Json.Hex(Json.Req(m, "start", path), path + ".start"), Json.Hex(Json.Req(m, "end", path), path + ".end"));
            case "valid": return new MatchParam(MatchKind.Valid, Json.Req(m, "key", path).ValueKind == JsonValueKind.True ? UInt128.One : UInt128.Zero);
            default: throw new LoadException(path + ".match_type", $"match type '{mt}' is not supported");
        }
    }

    private void LoadChecksums()
    {
        foreach (var (c, path) in Json.Items(root, "checksums", ""))
            Guard(() =>
            {
                string name = Json.Str(c, "name", path);
                int target = ResolveField(Json.Req(c, "target", path), path + ".target");
                var calc = Lookup(Program.Calculations, Json.Req(c, "calculation", path), "calculation", path + ".calculation");
                string type = Json.OptStr(c, "type") ?? "generic";
                if (type != "generic" && type != "ipv4") throw new LoadException(path + ".type", $"checksum type '{type}' is not supported (generic)");
                Expr? cond = Json.Has(c, "if_cond", out var ic) ? Operand(ic, path + ".if_cond") : null;
                Program.Checksums.Add(new ChecksumUnit(name, target, calc, Json.Bool(c, "verify", true), Json.Bool(c, "update", true), cond));
            });
    }
}
