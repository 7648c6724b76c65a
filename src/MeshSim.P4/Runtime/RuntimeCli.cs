using System.Globalization;
using System.Text;
using MeshSim.P4.Execution;
using MeshSim.P4.Model;

namespace MeshSim.P4.Runtime;

/// <summary>The outcome of one CLI command: whether it succeeded and what simple_switch_CLI would have printed.</summary>
public readonly record struct CliResult(bool Ok, string Output);

/// <summary>
/// The subset of <c>simple_switch_CLI</c> that labs use, with its syntax, name resolution (a
/// unique dotted suffix such as <c>ipv4_lpm</c> names <c>MyIngress.ipv4_lpm</c>) and messages.
/// Commands never throw; failures come back as <see cref="CliResult.Ok"/> = false with the
/// message simple_switch_CLI prints (e.g. <c>Invalid table operation (DUPLICATE_ENTRY)</c>).
/// </summary>
public sealed class RuntimeCli(P4Program program)
{
    private sealed class CliError(string message) : Exception(message);

    public P4Program Program { get; } = program;

    /// <summary>Runs a commands file (one command per line; blank lines and <c>#</c> comments skipped).</summary>
    /// <returns>The transcript and the 1-based line numbers of failed commands.</returns>
    public (string Transcript, IReadOnlyList<(int Line, string Message)> Failures) RunScript(string text)
    {
        var sb = new StringBuilder();
        var failures = new List<(int, string)>();
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var r = Execute(line);
            if (r.Output.Length > 0) sb.Append(r.Output).Append('\n');
            if (!r.Ok) failures.Add((i + 1, r.Output));
        }
        return (sb.ToString(), failures);
    }

    public CliResult Execute(string line)
    {
        var args = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (args.Length == 0) return new(true, "");
        var rest = args[1..];
        var output = new StringBuilder();
        try
        {
            bool ok = args[0] switch
            {
                "table_add" => TableAdd(rest, output, indirect: false, group: false),
                "table_indirect_add" => TableAdd(rest, output, indirect: true, group: false),
                "table_indirect_add_with_group" => TableAdd(rest, output, indirect: true, group: true),
                "table_set_default" => TableSetDefault(rest, output),
                "table_indirect_set_default" => TableIndirectSetDefault(rest, output, false),
                "table_indirect_set_default_with_group" => TableIndirectSetDefault(rest, output, true),
                "table_modify" => TableModify(rest, output),
                "table_delete" or "table_indirect_delete" => TableDelete(rest, output),
                "table_clear" => Do(() => { Exactly(rest, 1); Table(rest[0]).Clear(); return true; }),
                "table_num_entries" => Do(() => { Exactly(rest, 1); output.Append(Table(rest[0]).Count); return true; }),
                "table_dump" => TableDump(rest, output),
                "table_dump_entry" => TableDumpEntry(rest, output),
                "table_reset_default" => TableResetDefault(rest),
                "table_dump_entry_from_key" => TableDumpEntryFromKey(rest, output),
                "act_prof_dump" => Do(() => { Exactly(rest, 1); DumpProfile(Profile(rest[0]), output); return true; }),
                "act_prof_dump_member" or "table_dump_member" => Do(() =>
                {
                    Exactly(rest, 2);
                    var p = args[0] == "table_dump_member" ? ProfileOf(rest[0]) : Profile(rest[0]); int h = Int(rest[1], "member handle");
                    output.Append(MemberText(h, p.Members.GetValueOrDefault(h) ?? throw new CliError("Invalid table operation (INVALID_MBR_HANDLE)")));
                    return true;
                }),
                "act_prof_dump_group" or "table_dump_group" => Do(() =>
                {
                    Exactly(rest, 2);
                    var p = args[0] == "table_dump_group" ? ProfileOf(rest[0]) : Profile(rest[0]); int h = Int(rest[1], "group handle");
                    output.Append(GroupText(h, p.Groups.GetValueOrDefault(h) ?? throw new CliError("Invalid table operation (INVALID_GRP_HANDLE)")));
                    return true;
                }),
                "meter_get_rates" => MeterGetRates(rest, output),
                "act_prof_create_member" => CreateMember(Profile(Arg(rest, 0)), rest, output),
                "table_indirect_create_member" => CreateMember(ProfileOf(Arg(rest, 0)), rest, output),
                "act_prof_delete_member" => DeleteMember(Profile(Arg(rest, 0)), rest),
                "table_indirect_delete_member" => DeleteMember(ProfileOf(Arg(rest, 0)), rest),
                "act_prof_modify_member" => ModifyMember(Profile(Arg(rest, 0)), rest),
                "table_indirect_modify_member" => ModifyMember(ProfileOf(Arg(rest, 0)), rest),
                "act_prof_create_group" => CreateGroup(Profile(Arg(rest, 0)), rest, output),
                "table_indirect_create_group" => CreateGroup(ProfileOf(Arg(rest, 0)), rest, output),
                "act_prof_delete_group" => DeleteGroup(Profile(Arg(rest, 0)), rest),
                "table_indirect_delete_group" => DeleteGroup(ProfileOf(Arg(rest, 0)), rest),
                "act_prof_add_member_to_group" => GroupMember(Profile(Arg(rest, 0)), rest, add: true),
                "table_indirect_add_member_to_group" => GroupMember(ProfileOf(Arg(rest, 0)), rest, add: true),
                "act_prof_remove_member_from_group" => GroupMember(Profile(Arg(rest, 0)), rest, add: false),
                "table_indirect_remove_member_from_group" => GroupMember(ProfileOf(Arg(rest, 0)), rest, add: false),
                "counter_read" => CounterRead(rest, output),
                "counter_reset" => CounterReset(rest),
                "register_read" => RegisterRead(rest, output),
                "register_write" => RegisterWrite(rest),
                "register_reset" => Do(() => { Exactly(rest, 1); Array.Clear(Register(rest[0]).Cells); return true; }),
                "meter_set_rates" => MeterSetRates(rest),
                "mc_mgrp_create" => Mc(rest, 1, output, () => { output.Append("Creating multicast group ").Append(Int(rest[0], "multicast group id")); return Program.Pre.CreateGroup(Int(rest[0], "multicast group id")); }),
                "mc_mgrp_destroy" => Mc(rest, 1, output, () => { output.Append("Destroying multicast group ").Append(rest[0]); return Program.Pre.DestroyGroup(Int(rest[0], "multicast group id")); }),
                "mc_node_create" => McNodeCreate(rest, output),
                "mc_node_update" => McNodeUpdate(rest, output),
                "mc_node_associate" => Mc(rest, 2, output, () => { output.Append($"Associating node {rest[1]} to multicast group {rest[0]}"); return Program.Pre.Associate(Int(rest[0], "multicast group id"), Int(rest[1], "node handle")); }),
                "mc_node_dissociate" => Mc(rest, 2, output, () => { output.Append($"Dissociating node {rest[1]} from multicast group {rest[0]}"); return Program.Pre.Dissociate(Int(rest[0], "multicast group id"), Int(rest[1], "node handle")); }),
                "mc_node_destroy" => Mc(rest, 1, output, () => { output.Append($"Destroying node {rest[0]}"); return Program.Pre.DestroyNode(Int(rest[0], "node handle")); }),
                "mc_dump" => Do(() => { output.Append(Program.Pre.Dump().TrimEnd('\n')); return true; }),
                "mirroring_add" => Do(() => { Exactly(rest, 2); Program.Pre.MirrorSessions[Int(rest[0], "mirror_id")] = Int(rest[1], "egress_port"); return true; }),
                "mirroring_delete" => Do(() =>
                {
                    Exactly(rest, 1);
                    if (!Program.Pre.MirrorSessions.Remove(Int(rest[0], "mirror_id"))) throw new CliError("Invalid mirroring operation (SESSION_NOT_FOUND)");
                    return true;
                }),
                "pvs_add" or "pvs_remove" or "pvs_clear" => ValueSet(args[0], rest),
                _ => throw new CliError($"*** Unknown syntax: {line}"),
            };
            return new(ok, output.ToString().TrimEnd('\n'));
        }
        catch (CliError e)
        {
            if (output.Length > 0 && output[^1] != '\n') output.Append('\n');
            output.Append(e.Message);
            return new(false, output.ToString());
        }
    }

    private static bool Do(Func<bool> f) => f();

    // ---------------------------------------------------------------- name and argument resolution

    /// <summary>Resolves a name exactly or by unique dotted suffix, as simple_switch_CLI does.</summary>
    private static T Resolve<T>(IReadOnlyDictionary<string, T> objects, string name, string kind)
    {
        if (objects.TryGetValue(name, out var exact)) return exact;
        var hits = objects.Where(kv => kv.Key.EndsWith("." + name, StringComparison.Ordinal)).ToList();
        if (hits.Count == 1) return hits[0].Value;
        throw new CliError($"Error: Invalid {kind} name ({name})");
    }

    private MatchTable Table(string name) => Resolve(Program.Tables, name, "table");
    private ActionProfile Profile(string name) => Resolve(Program.ActionProfiles, name, "action profile");
    private RegisterArray Register(string name) => Resolve(Program.Registers, name, "register");

    private ActionProfile ProfileOf(string table)
    {
        var t = Table(table);
        return t.Profile ?? throw new CliError("Error: Cannot run this command on non-indirect table");
    }

    private static string Arg(string[] a, int i) => i < a.Length ? a[i] : throw new CliError("Error: Insufficient number of args");
    private static void AtLeast(string[] a, int n) { if (a.Length < n) throw new CliError("Error: Insufficient number of args"); }
    private static void Exactly(string[] a, int n) { if (a.Length != n) throw new CliError($"Error: Wrong number of args, expected {n} but got {a.Length}"); }

    private static int Int(string s, string what) =>
        int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : throw new CliError($"Error: Bad format for {what}, expected integer");

    private static P4Action TableAction(MatchTable t, string tableName, string actionName)
    {
        var a = t.Actions.FirstOrDefault(x => x.Name == actionName) ?? t.Actions.FirstOrDefault(x => x.Name.EndsWith("." + actionName, StringComparison.Ordinal));
        return a ?? throw new CliError($"Error: Table {tableName} has no action {actionName}");
    }

    private static UInt128[] RuntimeData(P4Action action, ReadOnlySpan<string> ps)
    {
        if (ps.Length != action.Params.Length) throw new CliError($"Error: Action {action.Name} needs {action.Params.Length} parameters");
        var data = new UInt128[ps.Length];
        for (int i = 0; i < ps.Length; i++)
        {
            if (!CliValues.TryParse(ps[i], action.Params[i].Width, out var v, out var err)) throw new CliError($"Invalid runtime data: Error while parsing {ps[i]} - {err}");
            data[i] = v & Bits.Mask(action.Params[i].Width);
        }
        return data;
    }

    private static string DataText(P4Action a, UInt128[] data) => string.Join("\t", data.Select((d, i) => CliValues.Bytes(d, a.Params[i].Width)));

    private static MatchParam[] MatchKey(MatchTable t, ReadOnlySpan<string> fields, out string printed)
    {
        var result = new MatchParam[fields.Length];
        var text = new List<string>();
        for (int i = 0; i < fields.Length; i++)
        {
            var k = t.Key[i]; var f = fields[i];
            UInt128 P(string s)
            {
                if (!CliValues.TryParse(s, k.Width, out var v, out var err)) throw new CliError($"Invalid match key: Error while parsing {s} - {err}");
                return v;
            }
            switch (k.Kind)
            {
                case MatchKind.Exact:
                    result[i] = new MatchParam(MatchKind.Exact, P(f));
                    text.Add("EXACT-" + CliValues.Bytes(result[i].Value, k.Width)); break;
                case MatchKind.Lpm:
                {
                    var parts = f.Split('/');
                    if (parts.Length != 2) throw new CliError($"Invalid match key: Invalid LPM value {f}, use '/' to separate prefix and length");
                    int len = Int(parts[1], "prefix length");
                    result[i] = new MatchParam(MatchKind.Lpm, P(parts[0]), 0, len);
                    text.Add($"LPM-{CliValues.Bytes(result[i].Value, k.Width)}/{len}"); break;
                }
                case MatchKind.Ternary:
                {
                    var parts = f.Split("&&&");
                    if (parts.Length != 2) throw new CliError($"Invalid match key: Invalid ternary value {f}, use '&&&' to separate key and mask");
                    result[i] = new MatchParam(MatchKind.Ternary, P(parts[0]), P(parts[1]));
                    text.Add($"TERNARY-{CliValues.Bytes(result[i].Value, k.Width)} &&& {CliValues.Bytes(result[i].MaskOrEnd, k.Width)}"); break;
                }
                case MatchKind.Optional:
                {
                    // simple_switch_CLI has no optional syntax of its own; '*' is the wildcard, else a value (or value&&&mask).
                    if (f == "*") result[i] = new MatchParam(MatchKind.Optional, 0, 0);
                    else if (f.Contains("&&&")) { var parts = f.Split("&&&"); result[i] = new MatchParam(MatchKind.Ternary, P(parts[0]), P(parts[1])); }
                    else result[i] = new MatchParam(MatchKind.Optional, P(f), Bits.Mask(k.Width));
                    text.Add($"OPTIONAL-{CliValues.Bytes(result[i].Value, k.Width)} &&& {CliValues.Bytes(result[i].MaskOrEnd, k.Width)}"); break;
                }
                case MatchKind.Range:
                {
                    var parts = f.Split("->");
                    if (parts.Length != 2) throw new CliError($"Invalid match key: Invalid range value {f}, use '->' to separate range start and range end");
                    var s = P(parts[0]); var e = P(parts[1]);
                    if (s > e) throw new CliError($"Invalid match key: start is less than end in expression {f}");
                    result[i] = new MatchParam(MatchKind.Range, s, e);
                    text.Add($"RANGE-{CliValues.Bytes(s, k.Width)} -> {CliValues.Bytes(e, k.Width)}"); break;
                }
                case MatchKind.Valid:
                    result[i] = new MatchParam(MatchKind.Valid, Int(f, "valid match") != 0 ? UInt128.One : UInt128.Zero);
                    text.Add("VALID-"); break;
                default: throw new CliError($"Invalid match key: unsupported match kind {k.Kind}");
            }
        }
        printed = string.Join("\t", text);
        return result;
    }

    private static bool TableOp(TableOpResult r) =>
        r == TableOpResult.Success ? true : throw new CliError($"Invalid table operation ({r.Code()})");

    private static string KindName(MatchTable t) => t.TableKind.ToString().ToLowerInvariant();

    // ---------------------------------------------------------------- tables

    private bool TableAdd(string[] a, StringBuilder o, bool indirect, bool group)
    {
        AtLeast(a, indirect ? 2 : 3);
        var t = Table(a[0]);
        var list = a.ToList();
        int priority = 0;
        if (t.TableKind is MatchKind.Ternary or MatchKind.Range)
        {
            if (!int.TryParse(list[^1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out priority))
                throw new CliError("Error: Table is ternary, but could not extract a valid priority from args");
            list.RemoveAt(list.Count - 1);
        }
        int start = indirect ? 1 : 2;
        int arrow = list.IndexOf("=>", start);
        if (arrow < 0) arrow = list.Count;
        var match = list.GetRange(start, arrow - start).ToArray();
        var after = arrow < list.Count ? list.GetRange(arrow + 1, list.Count - arrow - 1).ToArray() : [];
        if (match.Length != t.Key.Length) throw new CliError($"Error: Table {a[0]} needs {t.Key.Length} key fields");
        if (indirect)
        {
            if (t.Impl == TableImpl.Simple) throw new CliError("Error: Cannot run this command on non-indirect table");
            if (group && t.Impl != TableImpl.IndirectWs) throw new CliError("Error: Cannot run this command on an action profile without selector");
            if (after.Length != 1) throw new CliError("Error: Invalid arguments, could not find handle");
            int h = Int(after[0], "handle");
            var key = MatchKey(t, match, out _);
            o.Append("Adding entry to indirect match table ").Append(t.Name).Append('\n');
            TableOp(t.AddEntry(key, null, h, group, priority, out var handle));
            o.Append("Entry has been added with handle ").Append(handle);
            return true;
        }
        if (t.Impl != TableImpl.Simple) throw new CliError("Error: Cannot run this command on an indirect table");
        var action = TableAction(t, a[0], a[1]);
        var data = RuntimeData(action, after);
        var mk = MatchKey(t, match, out var printed);
        o.Append($"Adding entry to {KindName(t)} match table {a[0]}\n");
        o.Append($"{"match key:",-20} {printed}\n{"action:",-20} {a[1]}\n{"runtime data:",-20} {DataText(action, data)}\n");
        TableOp(t.AddEntry(mk, new ActionBinding(action, data), -1, false, priority, out var hdl));
        o.Append("Entry has been added with handle ").Append(hdl);
        return true;
    }

    private bool TableSetDefault(string[] a, StringBuilder o)
    {
        AtLeast(a, 2);
        var t = Table(a[0]);
        var action = TableAction(t, a[0], a[1]);
        var data = RuntimeData(action, a.AsSpan(2));
        o.Append($"Setting default action of {a[0]}\n{"action:",-20} {a[1]}\n{"runtime data:",-20} {DataText(action, data)}\n");
        return TableOp(t.SetDefault(new ActionBinding(action, data)));
    }

    private bool TableIndirectSetDefault(string[] a, StringBuilder o, bool group)
    {
        Exactly(a, 2);
        var t = Table(a[0]);
        return TableOp(t.SetDefaultIndirect(Int(a[1], "handle"), group));
    }

    private bool TableModify(string[] a, StringBuilder o)
    {
        AtLeast(a, 3);
        var t = Table(a[0]);
        var action = TableAction(t, a[0], a[1]);
        int h = Int(a[2], "entry handle");
        var data = RuntimeData(action, a.AsSpan(3));
        o.Append($"Modifying entry {h} for {KindName(t)} match table {a[0]}\n");
        return TableOp(t.ModifyEntry(h, new ActionBinding(action, data)));
    }

    private bool TableDelete(string[] a, StringBuilder o)
    {
        Exactly(a, 2);
        var t = Table(a[0]);
        int h = Int(a[1], "entry handle");
        o.Append($"Deleting entry {h} from {a[0]}\n");
        return TableOp(t.DeleteEntry(h));
    }

    private static string EntryText(MatchTable t, TableEntry e)
    {
        var sb = new StringBuilder();
        sb.Append("Dumping entry 0x").Append(e.Handle.ToString("x", CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("Match key:\n").Append(t.FormatEntryKey(e));
        if (e.Action is { } b) sb.Append("Action entry: ").Append(b.Action.Name).Append(" - ").Append(MatchTable.DumpData(b)).Append('\n');
        else sb.Append("Index: ").Append(e.IsGroup ? "group(" : "member(").Append(e.IndirectHandle).Append(")\n");
        return sb.ToString();
    }

    private static void DumpProfile(ActionProfile p, StringBuilder o)
    {
        o.Append("==========\nMEMBERS\n");
        foreach (var (h, b) in p.Members) o.Append("**********\n").Append(MemberText(h, b)).Append('\n');
        if (p.Selector is null) return;
        o.Append("==========\nGROUPS\n");
        foreach (var (h, list) in p.Groups) o.Append("**********\n").Append(GroupText(h, list)).Append('\n');
    }

    private static string MemberText(int h, ActionBinding b) => $"Dumping member {h}\nAction entry: {b.Action.Name} - {MatchTable.DumpData(b)}";
    private static string GroupText(int h, List<int> members) => $"Dumping group {h}\nMembers: [{string.Join(", ", members)}]";

    private bool TableDump(string[] a, StringBuilder o)
    {
        Exactly(a, 1);
        var t = Table(a[0]);
        o.Append("==========\nTABLE ENTRIES\n");
        foreach (var e in t.Entries) o.Append("**********\n").Append(EntryText(t, e));
        if (t.Profile is { } p) DumpProfile(p, o);
        o.Append("==========\nDumping default entry\n");
        if (t.DefaultAction is { } d) o.Append("Action entry: ").Append(d.Action.Name).Append(" - ").Append(MatchTable.DumpData(d)).Append('\n');
        else if (t.DefaultIndirectHandle >= 0) o.Append("Index: ").Append(t.DefaultIndirectIsGroup ? "group(" : "member(").Append(t.DefaultIndirectHandle).Append(")\n");
        else o.Append("EMPTY\n");
        o.Append("==========");
        return true;
    }

    private bool TableDumpEntry(string[] a, StringBuilder o)
    {
        Exactly(a, 2);
        var t = Table(a[0]);
        var e = t.GetEntry(Int(a[1], "entry handle")) ?? throw new CliError("Invalid table operation (INVALID_HANDLE)");
        o.Append(EntryText(t, e).TrimEnd('\n'));
        return true;
    }

    private bool TableDumpEntryFromKey(string[] a, StringBuilder o)
    {
        AtLeast(a, 1);
        var t = Table(a[0]);
        var fields = a[1..].ToList();
        int priority = 0;
        if (t.TableKind is MatchKind.Ternary or MatchKind.Range)
        {
            if (fields.Count == 0 || !int.TryParse(fields[^1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out priority))
                throw new CliError("Error: Table is ternary, but could not extract a valid priority from args");
            fields.RemoveAt(fields.Count - 1);
        }
        if (fields.Count != t.Key.Length) throw new CliError($"Error: Table {a[0]} needs {t.Key.Length} key fields");
        var key = MatchKey(t, fields.ToArray(), out _);
        var e = t.FindEntry(key, priority) ?? throw new CliError("Invalid table operation (BAD_MATCH_KEY)");
        o.Append(EntryText(t, e).TrimEnd('\n'));
        return true;
    }

    private bool TableResetDefault(string[] a)
    {
        Exactly(a, 1);
        var t = Table(a[0]);
        if (t.DefaultEntryConst) throw new CliError("Invalid table operation (DEFAULT_ENTRY_IS_CONST)");
        t.DefaultAction = t.InitialDefault;
        t.DefaultIndirectHandle = -1;
        return true;
    }

    // ---------------------------------------------------------------- action profiles

    private static P4Action ProfileAction(ActionProfile p, string name, string profName) =>
        p.Actions.FirstOrDefault(x => x.Name == name) ?? p.Actions.FirstOrDefault(x => x.Name.EndsWith("." + name, StringComparison.Ordinal))
        ?? throw new CliError($"Error: Action profile '{profName}' has no action '{name}'");

    private bool CreateMember(ActionProfile p, string[] a, StringBuilder o)
    {
        AtLeast(a, 2);
        var action = ProfileAction(p, a[1], a[0]);
        var data = RuntimeData(action, a.AsSpan(2));
        if (p.Members.Count >= p.MaxSize) throw new CliError("Invalid table operation (TABLE_FULL)");
        int h = p.NextFree(p.Members);
        p.Members[h] = new ActionBinding(action, data);
        o.Append("Member has been created with handle ").Append(h);
        return true;
    }

    private bool DeleteMember(ActionProfile p, string[] a)
    {
        Exactly(a, 2);
        int h = Int(a[1], "member handle");
        if (!p.Members.ContainsKey(h)) throw new CliError("Invalid table operation (INVALID_MBR_HANDLE)");
        if (p.Groups.Values.Any(g => g.Contains(h)) || Program.Tables.Values.Any(t => t.Profile == p && t.Entries.Any(e => !e.IsGroup && e.IndirectHandle == h)))
            throw new CliError("Invalid table operation (MBR_STILL_USED)");
        p.Members.Remove(h);
        return true;
    }

    private bool ModifyMember(ActionProfile p, string[] a)
    {
        AtLeast(a, 3);
        var action = ProfileAction(p, a[1], a[0]);
        int h = Int(a[2], "member handle");
        var data = RuntimeData(action, a.AsSpan(3));
        if (!p.Members.ContainsKey(h)) throw new CliError("Invalid table operation (INVALID_MBR_HANDLE)");
        p.Members[h] = new ActionBinding(action, data);
        return true;
    }

    private bool CreateGroup(ActionProfile p, string[] a, StringBuilder o)
    {
        Exactly(a, 1);
        if (p.Selector is null) throw new CliError("Error: Cannot run this command on an action profile without selector");
        int h = p.NextFree(p.Groups);
        p.Groups[h] = [];
        o.Append("Group has been created with handle ").Append(h);
        return true;
    }

    private bool DeleteGroup(ActionProfile p, string[] a)
    {
        Exactly(a, 2);
        int h = Int(a[1], "group handle");
        if (!p.Groups.ContainsKey(h)) throw new CliError("Invalid table operation (INVALID_GRP_HANDLE)");
        if (Program.Tables.Values.Any(t => t.Profile == p && t.Entries.Any(e => e.IsGroup && e.IndirectHandle == h)))
            throw new CliError("Invalid table operation (GRP_STILL_USED)");
        p.Groups.Remove(h);
        return true;
    }

    private bool GroupMember(ActionProfile p, string[] a, bool add)
    {
        Exactly(a, 3);
        int m = Int(a[1], "member handle"), g = Int(a[2], "group handle");
        if (!p.Members.ContainsKey(m)) throw new CliError("Invalid table operation (INVALID_MBR_HANDLE)");
        if (!p.Groups.TryGetValue(g, out var list)) throw new CliError("Invalid table operation (INVALID_GRP_HANDLE)");
        if (add)
        {
            if (list.Contains(m)) throw new CliError("Invalid table operation (MBR_ALREADY_IN_GRP)");
            list.Add(m); list.Sort();
        }
        else if (!list.Remove(m)) throw new CliError("Invalid table operation (MBR_NOT_IN_GRP)");
        return true;
    }

    // ---------------------------------------------------------------- counters, registers, meters

    private bool CounterRead(string[] a, StringBuilder o)
    {
        Exactly(a, 2);
        var c = Resolve(Program.Counters, a[0], "counter");
        int i = Int(a[1], "index");
        ulong bytes, packets;
        if (c.IsDirect)
        {
            var t = c.Binding is null ? null : Program.Tables.GetValueOrDefault(c.Binding);
            var e = t?.GetEntry(i) ?? throw new CliError("Invalid counter operation (INVALID_ENTRY_HANDLE)");
            o.Append("this is the direct counter for table ").Append(c.Binding).Append('\n');
            (bytes, packets) = (e.Bytes, e.Packets);
        }
        else
        {
            if ((uint)i >= (uint)c.Size) throw new CliError("Invalid counter operation (INVALID_INDEX)");
            (bytes, packets) = (c.Bytes[i], c.Packets[i]);
        }
        o.Append($"{a[0]}[{i}]= ({bytes} bytes, {packets} packets)");
        return true;
    }

    private bool CounterReset(string[] a)
    {
        Exactly(a, 1);
        var c = Resolve(Program.Counters, a[0], "counter");
        if (c.IsDirect)
        {
            if (c.Binding is not null && Program.Tables.TryGetValue(c.Binding, out var t)) foreach (var e in t.Entries) { e.Bytes = 0; e.Packets = 0; }
        }
        else { Array.Clear(c.Bytes); Array.Clear(c.Packets); }
        return true;
    }

    private bool RegisterRead(string[] a, StringBuilder o)
    {
        AtLeast(a, 1);
        var r = Register(a[0]);
        if (a.Length == 1) { o.Append($"{a[0]}= ").Append(string.Join(", ", r.Cells)); return true; }
        int i = Int(a[1], "index");
        if ((uint)i >= (uint)r.Size) throw new CliError("Invalid register operation (INVALID_INDEX)");
        o.Append($"{a[0]}[{i}]= ").Append(r.Cells[i]);
        return true;
    }

    private bool RegisterWrite(string[] a)
    {
        Exactly(a, 3);
        var r = Register(a[0]);
        int i = Int(a[1], "index");
        if (!CliValues.TryParseInt(a[2], out var v, out var neg) || neg) throw new CliError("Error: Bad format for value, must be an integer");
        if ((uint)i >= (uint)r.Size) throw new CliError("Invalid register operation (INVALID_INDEX)");
        r.Cells[i] = v & r.Mask;
        return true;
    }

    private bool MeterSetRates(string[] a)
    {
        AtLeast(a, 2);
        var m = Resolve(Program.Meters, a[0], "meter");
        int i = Int(a[1], "index");
        var rates = a[2..];
        if (rates.Length != m.RateCount) throw new CliError($"Error: Invalid number of rates, expected {m.RateCount} but got {rates.Length}");
        var parsed = rates.Select(r =>
        {
            var p = r.Split(':');
            if (p.Length != 2 || !double.TryParse(p[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || !ulong.TryParse(p[1], NumberStyles.None, CultureInfo.InvariantCulture, out var burst))
                throw new CliError("Error: Error while parsing rates");
            return (rate, burst);
        }).ToArray();
        for (int k = 1; k < parsed.Length; k++)
            if (parsed[k].rate < parsed[k - 1].rate) throw new CliError("Invalid meter operation (INVALID_INFO_RATE_VALUE)");
        if (m.IsDirect)
        {
            var t = m.Binding is null ? null : Program.Tables.GetValueOrDefault(m.Binding);
            var e = t?.GetEntry(i) ?? throw new CliError("Invalid meter operation (INVALID_INDEX)");
            MeterArray.Configure(ref e.Meter, parsed[0].rate, parsed[0].burst, parsed[1].rate, parsed[1].burst, 0);
        }
        else
        {
            if ((uint)i >= (uint)m.Size) throw new CliError("Invalid meter operation (INVALID_INDEX)");
            MeterArray.Configure(ref m.Cells[i], parsed[0].rate, parsed[0].burst, parsed[1].rate, parsed[1].burst, 0);
        }
        return true;
    }

    private bool MeterGetRates(string[] a, StringBuilder o)
    {
        Exactly(a, 2);
        var m = Resolve(Program.Meters, a[0], "meter");
        int i = Int(a[1], "index");
        if (m.IsDirect || (uint)i >= (uint)m.Size) throw new CliError("Invalid meter operation (INVALID_INDEX)");
        ref var c = ref m.Cells[i];
        if (!c.Configured) return true;
        o.Append($"0: info rate = {(c.CommittedRate * 1000).ToString("0.0###", CultureInfo.InvariantCulture)}, burst size = {c.CommittedBurst}\n");
        o.Append($"1: info rate = {(c.PeakRate * 1000).ToString("0.0###", CultureInfo.InvariantCulture)}, burst size = {c.PeakBurst}");
        return true;
    }

    // ---------------------------------------------------------------- PRE, mirroring, value sets

    private static bool Mc(string[] a, int n, StringBuilder o, Func<PreOpResult> op)
    {
        Exactly(a, n);
        var r = op();
        if (r != PreOpResult.Success) throw new CliError($"Invalid PRE operation ({Code(r)})");
        return true;
    }

    private static string Code(PreOpResult r) => r switch
    {
        PreOpResult.InvalidMgid => "INVALID_MGID", PreOpResult.InvalidL1Handle => "INVALID_L1_HANDLE", PreOpResult.InvalidL2Handle => "INVALID_L2_HANDLE",
        PreOpResult.TableFull => "TABLE_FULL", PreOpResult.InvalidHandle => "INVALID_HANDLE", _ => "ERROR",
    };

    private static int[] Ports(IEnumerable<string> items)
    {
        var ports = new List<int>();
        foreach (var p in items)
        {
            if (p == "|") break; // lag list not modelled
            if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var v)) throw new CliError($"Error: '{p}' is not a valid port number");
            if (ports.Contains(v)) throw new CliError($"Error: Found duplicate port number '{p}'");
            ports.Add(v);
        }
        return ports.ToArray();
    }

    private static string PortMap(int[] ports)
    {
        if (ports.Length == 0) return "";
        var bits = new char[ports.Max() + 1];
        Array.Fill(bits, '0');
        foreach (var p in ports) bits[p] = '1';
        Array.Reverse(bits);
        return new string(bits);
    }

    private bool McNodeCreate(string[] a, StringBuilder o)
    {
        AtLeast(a, 1);
        int rid = Int(a[0], "rid");
        var ports = Ports(a.Skip(1));
        o.Append($"Creating node with rid {rid} , port map {PortMap(ports)}\n");
        Program.Pre.CreateNode(rid, ports, out var h);
        o.Append("node was created with handle ").Append(h);
        return true;
    }

    private bool McNodeUpdate(string[] a, StringBuilder o)
    {
        AtLeast(a, 1);
        int h = Int(a[0], "node handle");
        var ports = Ports(a.Skip(1));
        o.Append($"Updating node {h} with port map {PortMap(ports)}");
        var r = Program.Pre.UpdateNode(h, ports);
        if (r != PreOpResult.Success) throw new CliError($"Invalid PRE operation ({Code(r)})");
        return true;
    }

    private bool ValueSet(string cmd, string[] a)
    {
        var vs = Resolve(Program.ValueSets, Arg(a, 0), "parser value set");
        if (cmd == "pvs_clear") { Exactly(a, 1); vs.Values.Clear(); return true; }
        Exactly(a, 2);
        if (!CliValues.TryParseInt(a[1], out var v, out var neg) || neg) throw new CliError("Error: Invalid input, could not cast to integer, try in hex with 0x prefix");
        if (v > Bits.Mask(vs.Width)) throw new CliError($"Error: Input is too large, it should fit within {vs.Width} bits");
        if (cmd == "pvs_add") { if (!vs.Values.Contains(v)) vs.Values.Add(v); }
        else if (!vs.Values.Remove(v)) throw new CliError("Invalid parser value set operation (ERROR)");
        return true;
    }
}
