using System.Text;
using System.Text.Json;
using MeshSim.P4.Execution;
using MeshSim.P4.Model;

namespace MeshSim.P4.Loading;

/// <summary>
/// Loads bmv2 JSON (docs/JSON_format.md, version 2.x) into a <see cref="P4Program"/>. Objects are
/// built once, in dependency order (header types, headers, stacks, unions, errors, field lists,
/// value sets, calculations, stateful arrays, actions, parsers, deparsers, pipelines, checksums),
/// and every name is resolved once. Never throws: problems come back as <see cref="LoadError"/>s
/// carrying the JSON path; anything simple_switch supports that MeshSim does not is refused here.
/// </summary>
public static class P4Loader
{
    /// <summary>Deepest JSON nesting accepted (objects and arrays); deeper input is "not valid JSON" with
    /// System.Text.Json's depth message. Operands have their own, smaller limit (<c>MaxExpressionDepth</c>, 128).</summary>
    public const int MaxJsonDepth = 512;

    public static P4LoadResult Load(string json) => Load(Encoding.UTF8.GetBytes(json));

    public static P4LoadResult LoadFile(string path)
    {
        try { return Load(File.ReadAllBytes(path)); }
        catch (IOException e) { return new P4LoadResult(null, [new LoadError(path, e.Message)]); }
        catch (UnauthorizedAccessException e) { return new P4LoadResult(null, [new LoadError(path, e.Message)]); }
    }

    public static P4LoadResult Load(ReadOnlySpan<byte> json)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = MaxJsonDepth, AllowTrailingCommas = true }); }
        catch (JsonException e)
        {
            var (line, column, message) = JsonErrorText.Describe(e, System.Text.Encoding.UTF8.GetString(json));
            return new P4LoadResult(null, [new LoadError("$", $"not valid JSON: {message}", Line: line, Column: column)]);
        }
        using (doc)
        {
            if (JsonStrings.FirstUndecodable(doc.RootElement) is { } bad)
                return new P4LoadResult(null, [new LoadError(bad, "a string that is not valid UTF-8 or UTF-16 (invalid bytes, or a lone surrogate escape such as \\ud800)")]);
            var run = new LoaderRun(doc.RootElement);
            try { run.Run(); }
            catch (LoadException e) { run.Errors.Add(new LoadError(e.JsonPath, e.Message, e.Snippet)); }
            return run.Errors.Count > 0 ? new P4LoadResult(null, run.Errors) : new P4LoadResult(run.Program, []);
        }
    }
}

internal sealed partial class LoaderRun(JsonElement root)
{
    public readonly P4Program Program = new();
    public readonly List<LoadError> Errors = [];
    private readonly Dictionary<string, HeaderType> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<int, int> _headerById = [];
    private readonly Dictionary<string, HeaderStack> _stacks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HeaderUnion> _unions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string H, string F)> _aliases = new(StringComparer.Ordinal);
    /// <summary>Objects that failed to load: references to them are not reported again (one error per cause).</summary>
    private readonly HashSet<string> _failed = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="body"/>; a failure is recorded and loading continues with the next object.</summary>
    private void Guard(Action body)
    {
        try { body(); }
        catch (LoadException e) { Errors.Add(new LoadError(e.JsonPath, e.Message, e.Snippet)); }
    }

    public void Run()
    {
        CheckVersion();
        Refuse("header_union_stacks", "header union stacks are not supported");
        Refuse("extern_instances", "extern instances are not supported by MeshSim's simple_switch model");
        foreach (var (a, path) in Json.Items(root, "field_aliases", ""))
            Guard(() =>
            {
                if (a.ValueKind != JsonValueKind.Array || a.GetArrayLength() != 2 || a[0].ValueKind != JsonValueKind.String) throw new LoadException(path, "expected [name, [header, field]]", Json.Snip(a));
                _aliases[a[0].GetString()!] = Json.Pair(a[1], path + "[1]");
            });
        int before = Errors.Count;
        LoadHeaderTypes();
        LoadHeaders();
        if (Errors.Count > before) return; // later stages need every header
        LoadStacksAndUnions();
        LoadErrors();
        LoadFieldLists();
        LoadValueSets();
        LoadCalculations();
        LoadStateful();
        LoadActions();
        LoadParsers();
        LoadDeparsers();
        LoadPipelines();
        LoadChecksums();
    }

    private void CheckVersion()
    {
        // Like bmv2, accept untagged (older) JSON; a tag must say 2.x.
        if (!Json.Has(root, "__meta__", out var meta) || !Json.Has(meta, "version", out var v)) { Program.Version = (2, 0); return; }
        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() != 2) throw new LoadException("__meta__.version", "expected [major, minor]", Json.Snip(v));
        int major = Json.AsInt(v[0], "__meta__.version[0]"), minor = Json.AsInt(v[1], "__meta__.version[1]");
        if (major != 2) throw new LoadException("__meta__.version", $"JSON format {major}.{minor} is not supported; MeshSim reads bmv2 JSON 2.x (documented up to 2.24) and untagged older files");
        Program.Version = (major, minor);
    }

    private void Refuse(string key, string why)
    {
        if (Json.Has(root, key, out var v) && v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0)
            Errors.Add(new LoadError($"{key}[0]", why, Json.Snip(v[0])));
    }

    private void LoadHeaderTypes()
    {
        var list = new List<HeaderType>();
        foreach (var (ht, path) in Json.Items(root, "header_types", ""))
            Guard(() =>
            {
                string name = Json.Str(ht, "name", path);
                _failed.Add("header_type:" + name);
                var fields = new List<FieldDef>();
                int bit = 0, varbit = -1;
                foreach (var (f, fp) in Json.Items(ht, "fields", path))
                {
                    if (f.ValueKind != JsonValueKind.Array || f.GetArrayLength() < 2 || f[0].ValueKind != JsonValueKind.String)
                        throw new LoadException(fp, "expected [name, width] or [name, width, signed]", Json.Snip(f));
                    string fname = f[0].GetString()!;
                    bool signed = f.GetArrayLength() > 2 && f[2].ValueKind == JsonValueKind.True;
                    if (f[1].ValueKind == JsonValueKind.String && f[1].GetString() == "*")
                    {
                        if (varbit >= 0) throw new LoadException(fp, "a header type can have at most one variable-length field");
                        varbit = fields.Count;
                        fields.Add(new FieldDef(fname, -1, false, bit));
                        continue;
                    }
                    int w = Json.AsInt(f[1], fp + "[1]");
                    if (w <= 0) throw new LoadException(fp + "[1]", "field width must be positive", Json.Snip(f));
                    if (w > 128) throw new LoadException(fp + "[1]", $"field '{fname}' is {w} bits; MeshSim supports fixed fields up to 128 bits (use varbit for longer data)");
                    if (w > 120 && (bit & 7) + w > 128) throw new LoadException(fp, $"field '{fname}' ({w} bits) is not byte-aligned; wide unaligned fields are not supported");
                    fields.Add(new FieldDef(fname, w, signed, bit));
                    bit += w;
                }
                int maxLen = 0;
                if (varbit >= 0)
                {
                    if (!Json.Has(ht, "max_length", out var ml)) throw new LoadException(path, "a header type with a varbit field needs \"max_length\"", Json.Snip(ht));
                    maxLen = Json.AsInt(ml, path + ".max_length");
                }
                var type = new HeaderType { Name = name, Id = Json.Int(ht, "id", path), Fields = fields.ToArray(), FixedBits = bit, VarbitIndex = varbit, MaxLengthBytes = maxLen };
                if (!_types.TryAdd(name, type)) throw new LoadException(path + ".name", $"duplicate header type '{name}'");
                _failed.Remove("header_type:" + name);
                list.Add(type);
            });
        Program.HeaderTypes = list.ToArray();
    }

    private void LoadHeaders()
    {
        var headers = new List<HeaderInstance>();
        var masks = new List<UInt128>(); var widths = new List<int>(); var owner = new List<int>(); var names = new List<string>();
        var varbitMax = new List<int>();
        foreach (var (h, path) in Json.Items(root, "headers", ""))
            Guard(() =>
            {
                string name = Json.Str(h, "name", path);
                string typeName = Json.Str(h, "header_type", path);
                if (!_types.TryGetValue(typeName, out var type))
                {
                    if (_failed.Contains("header_type:" + typeName)) return;
                    throw new LoadException(path + ".header_type", $"invalid reference to object of type 'header_type' with name '{typeName}'");
                }
                bool meta = Json.Bool(h, "metadata", false);
                if (!meta && type.VarbitIndex < 0 && type.FixedBits % 8 != 0)
                    throw new LoadException(path, $"header '{name}' is {type.FixedBits} bits, not a whole number of bytes");
                int id = Json.Int(h, "id", path);
                if (Program.HeaderByName.ContainsKey(name)) throw new LoadException(path + ".name", $"duplicate header '{name}'");
                if (!_headerById.TryAdd(id, headers.Count)) throw new LoadException(path + ".id", $"duplicate header id {id}");
                var inst = new HeaderInstance
                {
                    Name = name, Id = id, Index = headers.Count, Type = type, Metadata = meta, FieldBase = masks.Count,
                    VarbitSlot = type.VarbitIndex >= 0 ? varbitMax.Count : -1,
                };
                if (type.VarbitIndex >= 0) varbitMax.Add(Math.Max(0, type.MaxLengthBytes - type.FixedBits / 8));
                foreach (var f in type.Fields)
                {
                    masks.Add(f.IsVarbit ? UInt128.Zero : Bits.Mask(f.Width));
                    widths.Add(f.IsVarbit ? 0 : f.Width);
                    owner.Add(headers.Count);
                    names.Add($"{name}.{f.Name}");
                }
                Program.HeaderByName[name] = headers.Count;
                headers.Add(inst);
            });
        Program.Headers = headers.ToArray();
        Program.FieldMasks = masks.ToArray(); Program.FieldWidths = widths.ToArray();
        Program.FieldHeader = owner.ToArray(); Program.FieldNames = names.ToArray();
        Program.VarbitMaxBytes = varbitMax.ToArray();
        ResolveStandardMetadata();
    }

    private int FindField(string header, string field)
    {
        if (!Program.HeaderByName.TryGetValue(header, out var h)) return -1;
        int i = Program.Headers[h].Type.FieldIndex(field);
        return i < 0 ? -1 : Program.Headers[h].FieldBase + i;
    }

    private void ResolveStandardMetadata()
    {
        int F(string canonical, string field)
        {
            if (_aliases.TryGetValue(canonical, out var a)) return FindField(a.H, a.F);
            int f = FindField("standard_metadata", field);
            if (f < 0) f = FindField("intrinsic_metadata", field);
            if (f < 0) f = FindField("queueing_metadata", field);
            return f;
        }
        var s = Program.Std;
        s.IngressPort = F("standard_metadata.ingress_port", "ingress_port");
        s.EgressSpec = F("standard_metadata.egress_spec", "egress_spec");
        s.EgressPort = F("standard_metadata.egress_port", "egress_port");
        s.InstanceType = F("standard_metadata.instance_type", "instance_type");
        s.PacketLength = F("standard_metadata.packet_length", "packet_length");
        s.McastGrp = F("intrinsic_metadata.mcast_grp", "mcast_grp");
        s.EgressRid = F("intrinsic_metadata.egress_rid", "egress_rid");
        s.ParserError = F("standard_metadata.parser_error", "parser_error");
        s.ChecksumError = F("standard_metadata.checksum_error", "checksum_error");
        s.IngressTimestamp = F("intrinsic_metadata.ingress_global_timestamp", "ingress_global_timestamp");
        s.EgressTimestamp = F("intrinsic_metadata.egress_global_timestamp", "egress_global_timestamp");
    }

    private void LoadStacksAndUnions()
    {
        var stacks = new List<HeaderStack>();
        foreach (var (s, path) in Json.Items(root, "header_stacks", ""))
            Guard(() =>
            {
                string name = Json.Str(s, "name", path);
                string typeName = Json.Str(s, "header_type", path);
                if (!_types.TryGetValue(typeName, out var type)) throw new LoadException(path + ".header_type", $"invalid reference to object of type 'header_type' with name '{typeName}'");
                var ids = Json.Items(s, "header_ids", path).Select(x => HeaderById(x.Item, x.Path)).ToArray();
                var st = new HeaderStack(name, Json.Int(s, "id", path), stacks.Count, type, ids);
                if (!_stacks.TryAdd(name, st)) throw new LoadException(path + ".name", $"duplicate header stack '{name}'");
                stacks.Add(st);
            });
        Program.Stacks = stacks.ToArray();
        var unions = new List<HeaderUnion>();
        foreach (var (u, path) in Json.Items(root, "header_unions", ""))
            Guard(() =>
            {
                string name = Json.Str(u, "name", path);
                var ids = Json.Items(u, "header_ids", path).Select(x => HeaderById(x.Item, x.Path)).ToArray();
                var un = new HeaderUnion(name, Json.Int(u, "id", path), unions.Count, ids);
                foreach (var h in ids) Program.Headers[h].UnionIndex = unions.Count;
                if (!_unions.TryAdd(name, un)) throw new LoadException(path + ".name", $"duplicate header union '{name}'");
                unions.Add(un);
            });
        Program.Unions = unions.ToArray();
    }

    private int HeaderById(JsonElement v, string path)
    {
        int id = Json.AsInt(v, path);
        return _headerById.TryGetValue(id, out var h) ? h : throw new LoadException(path, $"no header with id {id}");
    }

    private void LoadErrors()
    {
        foreach (var (e, path) in Json.Items(root, "errors", ""))
            Guard(() =>
            {
                if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != 2 || e[0].ValueKind != JsonValueKind.String)
                    throw new LoadException(path, "expected [name, value]", Json.Snip(e));
                Program.Errors[e[0].GetString()!] = Json.AsInt(e[1], path + "[1]");
            });
        // Core errors the compiler left out still need distinct values for parser_error.
        int next = Program.Errors.Count == 0 ? 0 : Program.Errors.Values.Max() + 1;
        foreach (var n in Enum.GetNames<ParserErrorKind>())
            if (n != nameof(ParserErrorKind.Custom) && !Program.Errors.ContainsKey(n)) Program.Errors[n] = n == "NoError" && !Program.Errors.ContainsValue(0) ? 0 : next++;
    }

    private void LoadFieldLists()
    {
        foreach (var (fl, path) in Json.Items(root, "field_lists", ""))
            Guard(() =>
            {
                var fields = new List<int>();
                foreach (var (el, ep) in Json.Items(fl, "elements", path))
                {
                    if (Json.OptStr(el, "type") != "field") throw new LoadException(ep, "field list elements must be of type 'field'", Json.Snip(el));
                    fields.Add(ResolveField(Json.Req(el, "value", ep), ep + ".value"));
                }
                int id = Json.Int(fl, "id", path);
                Program.FieldLists[id] = new FieldList(Json.Str(fl, "name", path), id, fields.ToArray());
            });
    }

    private void LoadValueSets()
    {
        foreach (var (v, path) in Json.Items(root, "parse_vsets", ""))
            Guard(() =>
            {
                string name = Json.Str(v, "name", path);
                Program.ValueSets[name] = new ParseValueSet(name, Json.Int(v, "compressed_bitwidth", path));
            });
    }

    private void LoadCalculations()
    {
        foreach (var (calc, path) in Json.Items(root, "calculations", ""))
            Guard(() =>
            {
                string name = Json.Str(calc, "name", path);
                string algo = Json.Str(calc, "algo", path);
                if (!HashAlgorithms.TryParse(algo, out var a))
                    throw new LoadException(path + ".algo", $"hash algorithm '{algo}' is not supported (supported: crc16, crc32, crcCCITT, csum16, identity, xor16)");
                var inputs = new List<CalcInput>();
                foreach (var (inp, ip) in Json.Items(calc, "input", path))
                {
                    string type = Json.Str(inp, "type", ip);
                    var value = Json.Has(inp, "value", out var vv) ? vv : default;
                    switch (type)
                    {
                        case "field":
                        {
                            int f = ResolveField(value, ip + ".value");
                            inputs.Add(new CalcInput(CalcInputKind.Field, f, Program.FieldWidths[f], 0));
                            break;
                        }
                        case "hexstr":
                            inputs.Add(new CalcInput(CalcInputKind.Constant, -1, Json.Int(inp, "bitwidth", ip), Json.Hex(value, ip + ".value")));
                            break;
                        case "header":
                            inputs.Add(new CalcInput(CalcInputKind.Header, ResolveHeader(value, ip + ".value"), 0, 0));
                            break;
                        case "payload":
                            inputs.Add(new CalcInput(CalcInputKind.Payload, -1, 0, 0));
                            break;
                        default: throw new LoadException(ip + ".type", $"calculation input type '{type}' is not supported (field, hexstr, header, payload)");
                    }
                }
                Program.Calculations[name] = new Calculation(name, a, inputs.ToArray());
            });
    }

    private void LoadStateful()
    {
        foreach (var (r, path) in Json.Items(root, "register_arrays", ""))
            Guard(() =>
            {
                string name = Json.Str(r, "name", path);
                int w = Json.Int(r, "bitwidth", path);
                if (w <= 0 || w > 128) throw new LoadException(path + ".bitwidth", $"register width {w} is not supported (1..128)");
                int size = Json.Int(r, "size", path);
                if (size < 0 || size > 1 << 24) throw new LoadException(path + ".size", $"register size {size} is out of range (0..16777216)");
                Program.Registers[name] = new RegisterArray(name, size, w);
            });
        foreach (var (c, path) in Json.Items(root, "counter_arrays", ""))
            Guard(() =>
            {
                string name = Json.Str(c, "name", path);
                bool direct = Json.Bool(c, "is_direct", false);
                int size = direct && !Json.Has(c, "size", out _) ? 0 : Json.Int(c, "size", path);
                if (size < 0 || size > 1 << 24) throw new LoadException(path + ".size", $"counter size {size} is out of range");
                Program.Counters[name] = new CounterArray(name, size, direct, Json.OptStr(c, "binding"));
            });
        foreach (var (m, path) in Json.Items(root, "meter_arrays", ""))
            Guard(() =>
            {
                string name = Json.Str(m, "name", path);
                int size = Json.Int(m, "size", path);
                if (size < 0 || size > 1 << 24) throw new LoadException(path + ".size", $"meter size {size} is out of range");
                string type = Json.Str(m, "type", path);
                if (type is not ("bytes" or "packets")) throw new LoadException(path + ".type", $"meter type must be 'bytes' or 'packets', got '{type}'");
                int rates = Json.Has(m, "rate_count", out var rc) ? Json.AsInt(rc, path + ".rate_count") : 2;
                if (rates != 2) throw new LoadException(path + ".rate_count", "only 2-rate 3-colour meters are supported");
                bool direct = Json.Bool(m, "is_direct", false);
                int result = -1;
                if (direct && Json.Has(m, "result_target", out var rt)) result = ResolveField(rt, path + ".result_target");
                Program.Meters[name] = new MeterArray(name, size, type == "bytes", rates, direct, Json.OptStr(m, "binding"), result);
            });
    }

    // ------------------------------------------------------------------ references

    internal int ResolveHeader(JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.String) throw new LoadException(path, "expected a header name", Json.Snip(v));
        var name = v.GetString()!;
        return Program.HeaderByName.TryGetValue(name, out var h) ? h : throw new LoadException(path, $"invalid reference to object of type 'header' with name '{name}'");
    }

    internal int ResolveField(JsonElement v, string path)
    {
        var (h, f) = Json.Pair(v, path);
        if (!Program.HeaderByName.TryGetValue(h, out var hi)) throw new LoadException(path, $"invalid reference to object of type 'header' with name '{h}'");
        var hdr = Program.Headers[hi];
        int i = hdr.Type.FieldIndex(f);
        if (i < 0) throw new LoadException(path, $"header '{h}' (type '{hdr.Type.Name}') has no field '{f}' (fields: {string.Join(", ", hdr.Type.Fields.Select(x => x.Name))})");
        if (hdr.Type.Fields[i].IsVarbit) throw new LoadException(path, $"field '{h}.{f}' is variable-length; only assign_VL/extract_VL may use it");
        return hdr.FieldBase + i;
    }

    private T Lookup<T>(Dictionary<string, T> d, JsonElement v, string kind, string path)
    {
        if (v.ValueKind != JsonValueKind.String) throw new LoadException(path, $"expected the name of a {kind}", Json.Snip(v));
        var name = v.GetString()!;
        return d.TryGetValue(name, out var x) ? x : throw new LoadException(path, $"invalid reference to object of type '{kind}' with name '{name}'");
    }
}
