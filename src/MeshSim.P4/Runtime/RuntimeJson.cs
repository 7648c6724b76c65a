using System.Globalization;
using System.Text.Json;
using MeshSim.P4.Loading;
using MeshSim.P4.Execution;
using MeshSim.P4.Model;

namespace MeshSim.P4.Runtime;

/// <summary>
/// Applies a P4 tutorials <c>sX-runtime.json</c> (the file <c>simple_controller.py</c> sends over
/// P4Runtime) to a loaded program: <c>table_entries</c> (by key and parameter names), default
/// actions, <c>multicast_group_entries</c> and <c>clone_session_entries</c>. P4Runtime's entry
/// priority is "higher wins"; bmv2's is "lower wins", so priority p is installed as
/// <c>int.MaxValue - p</c>. Errors carry the JSON path; entries before an error stay installed.
/// </summary>
public static class RuntimeJson
{
    /// <summary>Applies <paramref name="json"/>; each problem as "FILE: PATH: MESSAGE".</summary>
    public static IReadOnlyList<string> Apply(P4Program program, string json, string fileName = "runtime.json") =>
        ApplyChecked(program, json).Select(p => $"{fileName}: {p}").ToList();

    /// <summary>Applies <paramref name="json"/>; each problem with the JSON path of the member at fault (or the
    /// line and column of a syntax error), so the caller can point into the file.</summary>
    public static IReadOnlyList<RuntimeJsonProblem> ApplyChecked(P4Program program, string json)
    {
        var errors = new List<RuntimeJsonProblem>();
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e)
        {
            var (line, column, message) = JsonErrorText.Describe(e, json);
            return [new RuntimeJsonProblem("", $"not valid JSON: {message}", null, line, column)];
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (JsonStrings.FirstUndecodable(root) is { } bad) return [new RuntimeJsonProblem(bad, "a string that is not valid UTF-16 (a lone surrogate escape?)")];
            if (root.ValueKind != JsonValueKind.Object) return [new RuntimeJsonProblem("$", "expected an object")];
            if (root.TryGetProperty("table_entries", out var entries) && entries.ValueKind == JsonValueKind.Array)
            {
                int i = 0;
                foreach (var e in entries.EnumerateArray())
                {
                    if (TableEntry(program, e) is { } err) errors.Add(Problem($"table_entries[{i}]", err));
                    i++;
                }
            }
            if (root.TryGetProperty("multicast_group_entries", out var groups) && groups.ValueKind == JsonValueKind.Array)
            {
                int i = 0;
                foreach (var g in groups.EnumerateArray())
                {
                    if (Group(program, g, clone: false) is { } err) errors.Add(Problem($"multicast_group_entries[{i}]", err));
                    i++;
                }
            }
            if (root.TryGetProperty("clone_session_entries", out var sessions) && sessions.ValueKind == JsonValueKind.Array)
            {
                int i = 0;
                foreach (var s in sessions.EnumerateArray())
                {
                    if (Group(program, s, clone: true) is { } err) errors.Add(Problem($"clone_session_entries[{i}]", err));
                    i++;
                }
            }
        }
        return errors;
    }

    private static RuntimeJsonProblem Problem(string path, (string? Field, string Message) err) =>
        new(path, err.Message, err.Field is null ? null : $"{path}.{err.Field}");

    /// <summary>Installs a multicast group or clone session; on failure the member at fault (null: the entry) and what is wrong.</summary>
    private static (string? Field, string Message)? Group(P4Program program, JsonElement g, bool clone)
    {
        string idKey = clone ? "clone_session_id" : "multicast_group_id";
        if (g.ValueKind != JsonValueKind.Object) return (null, "expected an object");
        if (!g.TryGetProperty(idKey, out var idv) || !idv.TryGetInt32(out var id)) return (g.TryGetProperty(idKey, out _) ? idKey : null, $"missing integer \"{idKey}\"");
        if (!g.TryGetProperty("replicas", out var reps) || reps.ValueKind != JsonValueKind.Array) return (g.TryGetProperty("replicas", out _) ? "replicas" : null, "missing \"replicas\" array");
        var list = new List<(int Port, int Rid)>();
        int n = 0;
        foreach (var r in reps.EnumerateArray())
        {
            if (r.ValueKind != JsonValueKind.Object || !r.TryGetProperty("egress_port", out var p) || !p.TryGetInt32(out var port)) return ($"replicas[{n}]", "replica without integer \"egress_port\"");
            n++;
            int rid = r.TryGetProperty("instance", out var inst) && inst.TryGetInt32(out var iv) ? iv : 0;
            list.Add((port, rid));
        }
        if (clone)
        {
            if (list.Count != 1) return ("replicas", "clone sessions with other than one replica are not supported (simple_switch mirrors to one port)");
            program.Pre.MirrorSessions[id] = list[0].Port;
            return null;
        }
        var pre = program.Pre;
        var r0 = pre.CreateGroup(id);
        if (r0 != PreOpResult.Success) return (idKey, $"multicast group {id}: {r0}");
        foreach (var byRid in list.GroupBy(x => x.Rid).OrderBy(x => x.Key))
        {
            pre.CreateNode(byRid.Key, byRid.Select(x => x.Port), out var h);
            pre.Associate(id, h);
        }
        return null;
    }

    /// <summary>Installs one table entry; on failure the member at fault (relative to the entry; null: the entry itself) and what is wrong.</summary>
    private static (string? Field, string Message)? TableEntry(P4Program program, JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object) return (null, "expected an object");
        if (!e.TryGetProperty("table", out var tv) || tv.ValueKind != JsonValueKind.String) return (e.TryGetProperty("table", out _) ? "table" : null, "missing \"table\"");
        string tname = tv.GetString()!;
        if (!program.Tables.TryGetValue(tname, out var table))
        {
            var hits = program.Tables.Where(kv => kv.Key.EndsWith("." + tname, StringComparison.Ordinal)).ToList();
            if (hits.Count != 1) return ("table", $"no table '{tname}'");
            table = hits[0].Value;
        }
        if (!e.TryGetProperty("action_name", out var an) || an.ValueKind != JsonValueKind.String) return (e.TryGetProperty("action_name", out _) ? "action_name" : null, "missing \"action_name\"");
        string aname = an.GetString()!;
        var action = table.Actions.FirstOrDefault(a => a.Name == aname)
            ?? table.Actions.FirstOrDefault(a => a.Name.EndsWith("." + aname, StringComparison.Ordinal) || aname.EndsWith("." + a.Name, StringComparison.Ordinal));
        if (action is null) return ("action_name", $"table '{tname}' has no action '{aname}'");
        var data = new UInt128[action.Params.Length];
        bool hasParams = e.TryGetProperty("action_params", out var ps);
        for (int i = 0; i < action.Params.Length; i++)
        {
            var (pn, pw) = action.Params[i];
            if (ps.ValueKind != JsonValueKind.Object || !ps.TryGetProperty(pn, out var pv)) return (hasParams ? "action_params" : "action_name", $"action '{aname}' needs parameter '{pn}'");
            if (!Value(pv, pw, out data[i], out var err)) return ($"action_params.{pn}", $"action_params.{pn}: {err}");
        }
        var binding = new ActionBinding(action, data);
        if (e.TryGetProperty("default_action", out var da) && da.ValueKind == JsonValueKind.True)
        {
            var r = table.SetDefault(binding);
            return r == TableOpResult.Success ? null : ("default_action", $"default action: {r.Code()}");
        }
        var match = new MatchParam[table.Key.Length];
        e.TryGetProperty("match", out var m);
        for (int i = 0; i < table.Key.Length; i++)
        {
            var k = table.Key[i];
            if (m.ValueKind != JsonValueKind.Object || !m.TryGetProperty(k.Name, out var mv))
            {
                // P4Runtime omits don't-care ternary/optional/range fields.
                if (k.Kind is MatchKind.Ternary or MatchKind.Optional) { match[i] = new MatchParam(MatchKind.Ternary, 0, 0); continue; }
                if (k.Kind == MatchKind.Range) { match[i] = new MatchParam(MatchKind.Range, 0, Bits.Mask(k.Width)); continue; }
                if (k.Kind == MatchKind.Lpm) { match[i] = new MatchParam(MatchKind.Lpm, 0, 0, 0); continue; }
                return (m.ValueKind == JsonValueKind.Undefined ? null : "match", $"match: missing field '{k.Name}'");
            }
            string? err = null;
            UInt128 a = 0, b = 0;
            bool Pair(out UInt128 x, out UInt128 y, out string? er)
            {
                x = y = 0; er = null;
                if (mv.ValueKind != JsonValueKind.Array || mv.GetArrayLength() != 2) { er = "expected [value, second]"; return false; }
                if (!Value(mv[0], k.Width, out x, out var e1)) { er = e1; return false; }
                return true;
            }
            switch (k.Kind)
            {
                case MatchKind.Exact:
                case MatchKind.Valid:
                    if (!Value(mv, k.Width, out a, out err)) break;
                    match[i] = new MatchParam(k.Kind == MatchKind.Valid ? MatchKind.Valid : MatchKind.Exact, a);
                    continue;
                case MatchKind.Lpm:
                    if (!Pair(out a, out _, out err)) break;
                    if (!mv[1].TryGetInt32(out var plen)) { err = "prefix length must be an integer"; break; }
                    match[i] = new MatchParam(MatchKind.Lpm, a, 0, plen);
                    continue;
                case MatchKind.Ternary:
                case MatchKind.Range:
                    if (!Pair(out a, out _, out err)) break;
                    if (!Value(mv[1], k.Width, out b, out err)) break;
                    match[i] = new MatchParam(k.Kind, a, b);
                    continue;
                case MatchKind.Optional:
                    if (!Value(mv, k.Width, out a, out err)) break;
                    match[i] = new MatchParam(MatchKind.Optional, a, Bits.Mask(k.Width));
                    continue;
            }
            return ($"match.{k.Name}", $"match.{k.Name}: {err ?? "unsupported match kind"}");
        }
        int priority = e.TryGetProperty("priority", out var pr) && pr.TryGetInt32(out var p) ? int.MaxValue - p : 0;
        var res = table.AddEntry(match, binding, -1, false, priority, out _);
        return res == TableOpResult.Success ? null : ((string?)null, res.Code());
    }

    private static bool Value(JsonElement v, int width, out UInt128 value, out string error)
    {
        value = 0; error = "";
        switch (v.ValueKind)
        {
            case JsonValueKind.Number:
                if (!v.TryGetUInt64(out var n)) { error = "expected a non-negative integer"; return false; }
                value = n;
                if (value > Bits.Mask(width)) { error = $"{n} does not fit in {width} bits"; return false; }
                return true;
            case JsonValueKind.String:
                return CliValues.TryParse(v.GetString()!, width, out value, out error);
            case JsonValueKind.True: value = 1; return true;
            case JsonValueKind.False: value = 0; return true;
            default: error = "expected a number or a string"; return false;
        }
    }
}
