using System.Text.Json;
using System.Text.Json.Nodes;

namespace MeshSim.P4.Emit;

/// <summary>
/// Builds bmv2 JSON (format 2.23, the shape p4c-bm2-ss emits for v1model) from C#. MeshSim has no
/// P4 compiler; the mesh's programs are written with this builder, their P4_16 source is kept
/// beside the JSON as the readable specification, and <see cref="Loading.P4Loader"/> is the judge.
/// Ids are assigned in declaration order; the output is deterministic.
/// </summary>
/// <remarks>Every <c>JsonArray.Add</c> takes a <see cref="JsonNode"/>: the generic <c>Add&lt;T&gt;</c> the
/// compiler would otherwise pick needs run-time code generation, which the Native AOT tool has not.</remarks>
public sealed class P4JsonBuilder
{
    private readonly string _program;
    private readonly JsonArray _headerTypes = [], _headers = [], _stacks = [], _errors = [], _states = [], _deparse = [];
    private readonly JsonArray _meters = [], _counters = [], _registers = [], _calcs = [], _actions = [], _checksums = [], _fieldLists = [];
    private readonly Dictionary<string, PipelineParts> _pipes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Id, int Params)> _actionIds = new(StringComparer.Ordinal);
    private int _stateId, _tableId, _condId, _profId;
    private string _initState = "start";

    internal sealed class PipelineParts
    {
        public string? Init;
        public readonly JsonArray Tables = [], Conditionals = [], Profiles = [];
    }

    public P4JsonBuilder(string programName)
    {
        _program = programName;
        HeaderType("scalars_0");
        Header("scalars", "scalars_0", metadata: true);
        StandardMetadata();
        foreach (var (n, i) in new[] { "NoError", "PacketTooShort", "NoMatch", "StackOutOfBounds", "HeaderTooShort", "ParserTimeout", "ParserInvalidArgument" }.Select((n, i) => (n, i)))
            _errors.Add((JsonNode?)(new JsonArray(n, i)));
        Pipe("ingress"); Pipe("egress");
    }

    /// <summary>Nodes may be reused by callers; JSON nodes can have one parent, so attach copies.</summary>
    internal static JsonNode? Own(JsonNode? n) => n is null || n.Parent is null ? n : n.DeepClone();

    private PipelineParts Pipe(string name) => _pipes.TryGetValue(name, out var p) ? p : _pipes[name] = new PipelineParts();

    /// <summary>v1model's standard_metadata_t exactly as p4c lays it out.</summary>
    private void StandardMetadata()
    {
        HeaderType("standard_metadata", ("ingress_port", 9), ("egress_spec", 9), ("egress_port", 9), ("instance_type", 32),
            ("packet_length", 32), ("enq_timestamp", 32), ("enq_qdepth", 19), ("deq_timedelta", 32), ("deq_qdepth", 19),
            ("ingress_global_timestamp", 48), ("egress_global_timestamp", 48), ("mcast_grp", 16), ("egress_rid", 16),
            ("checksum_error", 1), ("parser_error", 32), ("priority", 3), ("_padding", 3));
        Header("standard_metadata", "standard_metadata", metadata: true);
    }

    public P4JsonBuilder HeaderType(string name, params (string Name, int Width)[] fields)
    {
        var fs = new JsonArray();
        foreach (var (n, w) in fields) fs.Add((JsonNode?)(new JsonArray(n, w, false)));
        _headerTypes.Add((JsonNode?)(new JsonObject { ["name"] = name, ["id"] = _headerTypes.Count, ["fields"] = fs }));
        return this;
    }

    /// <summary>A header type whose last field is variable-length (<c>"*"</c>); <paramref name="maxLengthBytes"/> bounds the whole header.</summary>
    public P4JsonBuilder VarbitHeaderType(string name, int maxLengthBytes, string varbitField, params (string Name, int Width)[] fixedFields)
    {
        var fs = new JsonArray();
        foreach (var (n, w) in fixedFields) fs.Add((JsonNode?)(new JsonArray(n, w, false)));
        fs.Add((JsonNode?)(new JsonArray(varbitField, "*")));
        _headerTypes.Add((JsonNode?)(new JsonObject { ["name"] = name, ["id"] = _headerTypes.Count, ["fields"] = fs, ["max_length"] = maxLengthBytes }));
        return this;
    }

    public P4JsonBuilder Header(string name, string type, bool metadata = false)
    {
        _headers.Add((JsonNode?)(new JsonObject { ["name"] = name, ["id"] = _headers.Count, ["header_type"] = type, ["metadata"] = metadata, ["pi_omit"] = true }));
        return this;
    }

    /// <summary>A header stack of <paramref name="size"/> instances named <c>name[i]</c>.</summary>
    public P4JsonBuilder Stack(string name, string type, int size)
    {
        var ids = new JsonArray();
        for (int i = 0; i < size; i++) { ids.Add((JsonNode?)(_headers.Count)); Header($"{name}[{i}]", type); }
        _stacks.Add((JsonNode?)(new JsonObject { ["name"] = name, ["id"] = _stacks.Count, ["header_type"] = type, ["size"] = size, ["header_ids"] = ids }));
        return this;
    }

    public P4JsonBuilder Error(string name) { _errors.Add((JsonNode?)(new JsonArray(name, _errors.Count))); return this; }

    public P4JsonBuilder FieldList(string name, params JsonObject[] fields)
    {
        var els = new JsonArray();
        foreach (var f in fields) els.Add((JsonNode?)(Own(f)));
        _fieldLists.Add((JsonNode?)(new JsonObject { ["id"] = _fieldLists.Count + 1, ["name"] = name, ["elements"] = els }));
        return this;
    }

    // ------------------------------------------------------------------ parser

    /// <summary>Starts a parse state; the first state declared named "start" is the init state.</summary>
    public ParseStateBuilder State(string name) => new(this, name);

    public sealed class ParseStateBuilder
    {
        private readonly P4JsonBuilder _b;
        private readonly JsonObject _state;
        private readonly JsonArray _ops = [], _key = [], _transitions = [];
        internal ParseStateBuilder(P4JsonBuilder b, string name)
        {
            _b = b;
            _state = new JsonObject { ["name"] = name, ["id"] = b._stateId++, ["parser_ops"] = _ops, ["transitions"] = _transitions, ["transition_key"] = _key };
            b._states.Add((JsonNode?)(_state));
        }
        public ParseStateBuilder Extract(string header) { _ops.Add((JsonNode?)(Op("extract", new JsonObject { ["type"] = "regular", ["value"] = header }))); return this; }
        /// <summary><c>extract_VL</c>: <paramref name="lengthBits"/> is evaluated before extraction.</summary>
        public ParseStateBuilder ExtractVL(string header, JsonObject lengthBits)
        {
            _ops.Add((JsonNode?)(Op("extract_VL", new JsonObject { ["type"] = "regular", ["value"] = header }, new JsonObject { ["type"] = "expression", ["value"] = Own(lengthBits) })));
            return this;
        }
        public ParseStateBuilder ExtractStack(string stack) { _ops.Add((JsonNode?)(Op("extract", new JsonObject { ["type"] = "stack", ["value"] = stack }))); return this; }
        public ParseStateBuilder Set(JsonObject dst, JsonObject src) { _ops.Add((JsonNode?)(Op("set", dst, E.AsParameter(src)))); return this; }
        public ParseStateBuilder Verify(JsonObject cond, string error)
        {
            int v = -1;
            foreach (var e in _b._errors) if ((string)e![0]! == error) v = (int)e[1]!;
            _ops.Add((JsonNode?)(Op("verify", cond, E.Hex((ulong)v))));
            return this;
        }
        public ParseStateBuilder Key(params JsonObject[] parts) { foreach (var p in parts) _key.Add((JsonNode?)(Own(p))); return this; }
        public ParseStateBuilder Lookahead(int bitOffset, int width) { _key.Add((JsonNode?)(new JsonObject { ["type"] = "lookahead", ["value"] = new JsonArray(bitOffset, width) })); return this; }
        public ParseStateBuilder Case(string value, string? next, string? mask = null)
        {
            _transitions.Add((JsonNode?)(new JsonObject { ["type"] = "hexstr", ["value"] = value, ["mask"] = mask, ["next_state"] = next }));
            return this;
        }
        public ParseStateBuilder Default(string? next)
        {
            _transitions.Add((JsonNode?)(new JsonObject { ["type"] = "default", ["value"] = null, ["mask"] = null, ["next_state"] = next }));
            return this;
        }
        private static JsonObject Op(string op, params JsonObject[] ps)
        {
            var a = new JsonArray(); foreach (var p in ps) a.Add((JsonNode?)(Own(p)));
            return new JsonObject { ["parameters"] = a, ["op"] = op };
        }
    }

    public P4JsonBuilder Deparse(params string[] headers) { foreach (var h in headers) _deparse.Add((JsonNode?)(h)); return this; }

    // ------------------------------------------------------------------ objects

    public P4JsonBuilder Register(string name, int size, int width)
    {
        _registers.Add((JsonNode?)(new JsonObject { ["name"] = name, ["id"] = _registers.Count, ["size"] = size, ["bitwidth"] = width }));
        return this;
    }

    public P4JsonBuilder Counter(string name, int size, string? directTable = null)
    {
        var o = new JsonObject { ["name"] = name, ["id"] = _counters.Count, ["is_direct"] = directTable is not null, ["size"] = size };
        if (directTable is not null) o["binding"] = directTable;
        _counters.Add((JsonNode?)(o));
        return this;
    }

    public P4JsonBuilder Meter(string name, int size, bool bytes = false)
    {
        _meters.Add((JsonNode?)(new JsonObject { ["name"] = name, ["id"] = _meters.Count, ["is_direct"] = false, ["rate_count"] = 2, ["type"] = bytes ? "bytes" : "packets", ["size"] = size }));
        return this;
    }

    /// <summary>A calculation over fields (or other inputs): used by checksums and <c>hash()</c>.</summary>
    public P4JsonBuilder Calculation(string name, string algo, params JsonObject[] inputs)
    {
        var a = new JsonArray(); foreach (var i in inputs) a.Add((JsonNode?)(Own(i)));
        _calcs.Add((JsonNode?)(new JsonObject { ["name"] = name, ["id"] = _calcs.Count, ["algo"] = algo, ["input"] = a }));
        return this;
    }

    public P4JsonBuilder Checksum(string name, string header, string field, string calculation, bool verify, bool update, JsonObject? condition)
    {
        _checksums.Add((JsonNode?)(new JsonObject
        {
            ["name"] = name, ["id"] = _checksums.Count, ["target"] = new JsonArray(header, field), ["type"] = "generic",
            ["calculation"] = calculation, ["verify"] = verify, ["update"] = update, ["if_cond"] = Own(condition),
        }));
        return this;
    }

    /// <summary>Declares an action; returns its id.</summary>
    public int Action(string name, (string Name, int Width)[] parameters, params JsonObject[] primitives)
    {
        var rd = new JsonArray(); foreach (var (n, w) in parameters) rd.Add((JsonNode?)(new JsonObject { ["name"] = n, ["bitwidth"] = w }));
        var prims = new JsonArray(); foreach (var p in primitives) prims.Add((JsonNode?)(Own(p)));
        int id = _actions.Count;
        _actions.Add((JsonNode?)(new JsonObject { ["name"] = name, ["id"] = id, ["runtime_data"] = rd, ["primitives"] = prims }));
        _actionIds[name] = (id, parameters.Length);
        return id;
    }

    /// <summary>A primitive call for an action body.</summary>
    public static JsonObject Prim(string op, params JsonObject[] args)
    {
        var a = new JsonArray(); foreach (var x in args) a.Add((JsonNode?)(Own(E.AsParameter(x))));
        return new JsonObject { ["op"] = op, ["parameters"] = a };
    }

    public static JsonObject Assign(JsonObject dst, JsonObject src) => Prim("assign", dst, src);

    // ------------------------------------------------------------------ pipelines

    public P4JsonBuilder Init(string pipeline, string node) { Pipe(pipeline).Init = node; return this; }

    public P4JsonBuilder Conditional(string pipeline, string name, JsonObject expression, string? trueNext, string? falseNext)
    {
        Pipe(pipeline).Conditionals.Add((JsonNode?)(new JsonObject { ["name"] = name, ["id"] = _condId++, ["expression"] = Own(expression), ["true_next"] = trueNext, ["false_next"] = falseNext }));
        return this;
    }

    public P4JsonBuilder ActionProfile(string pipeline, string name, int maxSize, string? selectorAlgo = null, params JsonObject[] selectorInputs)
    {
        var o = new JsonObject { ["name"] = name, ["id"] = _profId++, ["max_size"] = maxSize };
        if (selectorAlgo is not null)
        {
            var a = new JsonArray(); foreach (var i in selectorInputs) a.Add((JsonNode?)(Own(i)));
            o["selector"] = new JsonObject { ["algo"] = selectorAlgo, ["input"] = a };
        }
        Pipe(pipeline).Profiles.Add((JsonNode?)(o));
        return this;
    }

    /// <summary>Declares a table in <paramref name="pipeline"/>; configure it with the returned builder.</summary>
    public TableBuilder Table(string pipeline, string name)
    {
        var t = new TableBuilder(this, Pipe(pipeline), name);
        _tableBuilders.Add(t);
        return t;
    }

    public sealed class TableBuilder
    {
        private readonly P4JsonBuilder _b;
        private readonly JsonObject _t;
        private readonly JsonArray _key = [], _actions = [], _actionIds = [], _entries = [];
        private readonly JsonObject _next = [];
        private readonly List<string> _kinds = [];
        private string? _base;
        private bool _hitMiss;

        internal TableBuilder(P4JsonBuilder b, PipelineParts pipe, string name)
        {
            _b = b;
            _t = new JsonObject
            {
                ["name"] = name, ["id"] = b._tableId++, ["key"] = _key, ["match_type"] = "exact", ["type"] = "simple", ["max_size"] = 1024,
                ["with_counters"] = false, ["support_timeout"] = false, ["direct_meters"] = null, ["action_ids"] = _actionIds, ["actions"] = _actions,
            };
            pipe.Tables.Add((JsonNode?)(_t));
        }

        public TableBuilder Key(string kind, string header, string field, string? name = null, string? mask = null)
        {
            _key.Add((JsonNode?)(new JsonObject { ["match_type"] = kind, ["name"] = name ?? $"{header}.{field}", ["target"] = new JsonArray(header, field), ["mask"] = mask }));
            _kinds.Add(kind);
            _t["match_type"] = _kinds.Contains("range") ? "range" : _kinds.Any(k => k is "ternary" or "optional") ? "ternary" : _kinds.Contains("lpm") ? "lpm" : "exact";
            return this;
        }

        public TableBuilder Actions(params string[] names)
        {
            foreach (var n in names) { _actions.Add((JsonNode?)(n)); _actionIds.Add((JsonNode?)_b._actionIds[n].Id); }
            return this;
        }

        public TableBuilder Size(int n) { _t["max_size"] = n; return this; }
        public TableBuilder Counters() { _t["with_counters"] = true; return this; }

        public TableBuilder Indirect(string profile, bool withSelector)
        {
            _t["type"] = withSelector ? "indirect_ws" : "indirect";
            _t["action_profile"] = profile;
            return this;
        }

        public TableBuilder Default(string action, bool isConst = false, params UInt128[] data)
        {
            var d = new JsonArray(); foreach (var v in data) d.Add((JsonNode?)(E.HexStr(v, 8)));
            _t["default_entry"] = new JsonObject { ["action_id"] = _b._actionIds[action].Id, ["action_const"] = isConst, ["action_data"] = d, ["action_entry_const"] = isConst };
            return this;
        }

        /// <summary>Every action continues at <paramref name="next"/> (null: end of pipeline).</summary>
        public TableBuilder Next(string? next) { _base = next; return this; }
        public TableBuilder OnAction(string action, string? next) { _next[action] = next; return this; }
        public TableBuilder HitMiss(string? hit, string? miss) { _hitMiss = true; _next["__HIT__"] = hit; _next["__MISS__"] = miss; return this; }

        /// <summary>A const entry; <paramref name="matches"/> are JSON match_key objects (see <see cref="Exact"/> etc.).</summary>
        public TableBuilder Entry(string action, int priority, JsonObject[] matches, params (UInt128 Value, int Width)[] data)
        {
            var mk = new JsonArray(); foreach (var m in matches) mk.Add((JsonNode?)(Own(m)));
            var d = new JsonArray(); foreach (var (v, w) in data) d.Add((JsonNode?)(E.HexStr(v, w)));
            _entries.Add((JsonNode?)(new JsonObject
            {
                ["source_info"] = null, ["match_key"] = mk,
                ["action_entry"] = new JsonObject { ["action_id"] = _b._actionIds[action].Id, ["action_data"] = d }, ["priority"] = priority,
            }));
            return this;
        }

        public static JsonObject Exact(UInt128 v, int width) => new() { ["match_type"] = "exact", ["key"] = E.HexStr(v, width) };
        public static JsonObject Lpm(UInt128 v, int width, int prefix) => new() { ["match_type"] = "lpm", ["key"] = E.HexStr(v, width), ["prefix_length"] = prefix };
        public static JsonObject Ternary(UInt128 v, UInt128 mask, int width) => new() { ["match_type"] = "ternary", ["key"] = E.HexStr(v, width), ["mask"] = E.HexStr(mask, width) };
        public static JsonObject Range(UInt128 start, UInt128 end, int width) => new() { ["match_type"] = "range", ["start"] = E.HexStr(start, width), ["end"] = E.HexStr(end, width) };

        internal void Finish()
        {
            _t.Remove("source_info");
            _t["base_default_next"] = _base;
            if (!_hitMiss) foreach (var a in _actions) if (!_next.ContainsKey((string)a!)) _next[(string)a!] = _base;
            _t["next_tables"] = _next;
            if (_entries.Count > 0) _t["entries"] = _entries;
        }
    }

    private readonly List<TableBuilder> _tableBuilders = [];

    public TableBuilder Table(string pipeline, string name, Action<TableBuilder> configure)
    {
        var t = Table(pipeline, name);
        configure(t);
        return t;
    }

    // ------------------------------------------------------------------ output

    public JsonObject Build()
    {
        foreach (var t in _tableBuilders) t.Finish();
        var pipelines = new JsonArray();
        int pid = 0;
        foreach (var name in new[] { "ingress", "egress" })
        {
            var p = Pipe(name);
            pipelines.Add((JsonNode?)(new JsonObject
            {
                ["name"] = name, ["id"] = pid++, ["init_table"] = p.Init,
                ["tables"] = p.Tables.DeepClone(), ["action_profiles"] = p.Profiles.DeepClone(), ["conditionals"] = p.Conditionals.DeepClone(),
            }));
        }
        return new JsonObject
        {
            ["header_types"] = _headerTypes.DeepClone(),
            ["headers"] = _headers.DeepClone(),
            ["header_stacks"] = _stacks.DeepClone(),
            ["header_union_types"] = new JsonArray(),
            ["header_unions"] = new JsonArray(),
            ["header_union_stacks"] = new JsonArray(),
            ["field_lists"] = _fieldLists.DeepClone(),
            ["errors"] = _errors.DeepClone(),
            ["enums"] = new JsonArray(),
            ["parsers"] = new JsonArray(new JsonObject { ["name"] = "parser", ["id"] = 0, ["init_state"] = _initState, ["parse_states"] = _states.DeepClone() }),
            ["parse_vsets"] = new JsonArray(),
            ["deparsers"] = new JsonArray(new JsonObject { ["name"] = "deparser", ["id"] = 0, ["order"] = _deparse.DeepClone(), ["primitives"] = new JsonArray() }),
            ["meter_arrays"] = _meters.DeepClone(),
            ["counter_arrays"] = _counters.DeepClone(),
            ["register_arrays"] = _registers.DeepClone(),
            ["calculations"] = _calcs.DeepClone(),
            ["learn_lists"] = new JsonArray(),
            ["actions"] = _actions.DeepClone(),
            ["pipelines"] = pipelines,
            ["checksums"] = _checksums.DeepClone(),
            ["force_arith"] = new JsonArray(),
            ["extern_instances"] = new JsonArray(),
            ["field_aliases"] = new JsonArray(
                new JsonArray("queueing_metadata.enq_timestamp", new JsonArray("standard_metadata", "enq_timestamp")),
                new JsonArray("queueing_metadata.enq_qdepth", new JsonArray("standard_metadata", "enq_qdepth")),
                new JsonArray("queueing_metadata.deq_timedelta", new JsonArray("standard_metadata", "deq_timedelta")),
                new JsonArray("queueing_metadata.deq_qdepth", new JsonArray("standard_metadata", "deq_qdepth")),
                new JsonArray("intrinsic_metadata.ingress_global_timestamp", new JsonArray("standard_metadata", "ingress_global_timestamp")),
                new JsonArray("intrinsic_metadata.egress_global_timestamp", new JsonArray("standard_metadata", "egress_global_timestamp")),
                new JsonArray("intrinsic_metadata.mcast_grp", new JsonArray("standard_metadata", "mcast_grp")),
                new JsonArray("intrinsic_metadata.egress_rid", new JsonArray("standard_metadata", "egress_rid")),
                new JsonArray("intrinsic_metadata.priority", new JsonArray("standard_metadata", "priority"))),
            ["program"] = _program,
            ["__meta__"] = new JsonObject { ["version"] = new JsonArray(2, 23), ["compiler"] = "MeshSim P4JsonBuilder" },
        };
    }

    public string ToJson() => Build().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
}
