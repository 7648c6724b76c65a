using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MeshSim.P4.Loading;

namespace MeshSim.P4.Tests.Loading;

public class LoaderTests
{
    private static JsonObject RouterJson() => TestPrograms.RouterBuilder().Build();

    private static LoadError SingleError(JsonNode json)
    {
        var r = P4Loader.Load(json.ToJsonString());
        Assert.False(r.Success);
        Assert.Null(r.Program);
        return Assert.Single(r.Errors);
    }

    [Fact]
    public void The_builder_output_loads()
    {
        var p = TestPrograms.Router();
        Assert.Equal((2, 23), p.Version);
        Assert.Equal(3, p.Tables["MyIngress.ipv4_lpm"].Actions.Count(a => a.Name is "route" or "drop" or "forward"));
    }

    // The first action primitive parameter of type "expression": (action index, primitive index, parameter index).
    private static (int A, int P, int Q) FirstExpressionParameter(JsonObject j)
    {
        var actions = j["actions"]!.AsArray();
        for (int a = 0; a < actions.Count; a++)
        {
            var prims = actions[a]!["primitives"]!.AsArray();
            for (int p = 0; p < prims.Count; p++)
            {
                var ps = prims[p]!["parameters"]!.AsArray();
                for (int q = 0; q < ps.Count; q++)
                    if ((string?)ps[q]!["type"] == "expression") return (a, p, q);
            }
        }
        throw new InvalidOperationException("no expression parameter in the program");
    }

    [Fact]
    public void An_expression_parameter_is_wrapped_twice_as_bmv2_reads_it()
    {
        var j = RouterJson();
        var (a, p, q) = FirstExpressionParameter(j);
        var param = j["actions"]![a]!["primitives"]![p]!["parameters"]![q]!;
        Assert.Equal("expression", (string?)param["value"]!["type"]);   // p4c's (and now the builder's) form
        Assert.NotNull(param["value"]!["value"]!["op"]);
    }

    [Fact]
    public void A_singly_wrapped_expression_parameter_is_refused_as_simple_switch_refuses_it()
    {
        var j = RouterJson();
        var (a, p, q) = FirstExpressionParameter(j);
        var param = j["actions"]![a]!["primitives"]![p]!["parameters"]![q]!;
        param["value"] = param["value"]!["value"]!.DeepClone();          // {"type":"expression","value":{"op":...}}
        var e = SingleError(j);
        Assert.Equal($"actions[{a}].primitives[{p}].parameters[{q}].value", e.JsonPath);
        Assert.Contains("Invalid 'type' in expression: ''", e.Message);
    }

    [Fact]
    public void A_doubly_wrapped_conditional_is_refused()
    {
        var j = RouterJson();
        var cond = j["pipelines"]![0]!["conditionals"]!.AsArray().FirstOrDefault()
                   ?? throw new InvalidOperationException("the router has no conditional");
        cond["expression"] = new JsonObject { ["type"] = "expression", ["value"] = cond["expression"]!.DeepClone() };
        var r = P4Loader.Load(j.ToJsonString());
        Assert.False(r.Success);
        var e = r.Errors[0];   // then the pipeline's reference to the refused node
        Assert.StartsWith("pipelines[0].conditionals[0].expression", e.JsonPath);
        Assert.Contains("not another type/value object", e.Message);
    }

    [Fact]
    public void Invalid_json_reports_position()
    {
        var r = P4Loader.Load("{\"__meta__\": {\"version\": [2, 23]},, }");
        var e = Assert.Single(r.Errors);
        Assert.Equal("$", e.JsonPath);
        // One position, once: line and column as fields, not again inside the message.
        Assert.Equal((1, 35), (e.Line, e.Column));   // the second comma
        Assert.StartsWith("not valid JSON: ", e.Message);
        Assert.DoesNotContain("LineNumber", e.Message);
        Assert.StartsWith("line 1:35: $: not valid JSON", e.ToString());
    }

    [Fact]
    public void Major_version_other_than_2_is_refused_with_supported_versions()
    {
        var j = RouterJson();
        j["__meta__"]!["version"] = new JsonArray(3, 0);
        var e = SingleError(j);
        Assert.Equal("__meta__.version", e.JsonPath);
        Assert.Contains("2.x", e.Message);
    }

    [Fact]
    public void Unknown_primitive_is_refused_with_its_json_path()
    {
        var j = RouterJson();
        j["actions"]![2]!["primitives"]![0]!["op"] = "frobnicate";
        var e = SingleError(j);
        Assert.Equal("actions[2].primitives[0].op", e.JsonPath);
        Assert.Contains("'frobnicate' is not supported", e.Message);
    }

    [Fact]
    public void Wrong_primitive_arity_is_refused()
    {
        var j = RouterJson();
        ((JsonArray)j["actions"]![2]!["primitives"]![0]!["parameters"]!).RemoveAt(1);
        var e = SingleError(j);
        Assert.Equal("actions[2].primitives[0]", e.JsonPath);
        Assert.Contains("takes 2 parameter(s), got 1", e.Message);
    }

    [Fact]
    public void Unknown_field_names_the_header_type_and_its_fields()
    {
        var j = RouterJson();
        j["actions"]![2]!["primitives"]![0]!["parameters"]![0]!["value"] = new JsonArray("standard_metadata", "egress_spek");
        var e = SingleError(j);
        Assert.Equal("actions[2].primitives[0].parameters[0].value", e.JsonPath);
        Assert.Contains("has no field 'egress_spek'", e.Message);
    }

    [Fact]
    public void Table_referring_to_an_unknown_action_is_refused()
    {
        var j = RouterJson();
        var t = j["pipelines"]![0]!["tables"]![2]!;
        ((JsonArray)t["action_ids"]!).Clear();
        ((JsonArray)t["actions"]!)[0] = "set_nhop";
        var e = SingleError(j);
        Assert.Equal("pipelines[0].tables[2].actions[0]", e.JsonPath);
        Assert.Contains("'action' with name 'set_nhop'", e.Message);
    }

    [Fact]
    public void Fields_wider_than_128_bits_are_refused()
    {
        var j = RouterJson();
        ((JsonArray)j["header_types"]![3]!["fields"]!).Add(new JsonArray("huge", 200, false));
        var e = SingleError(j);
        Assert.Equal("header_types[3].fields[12][1]", e.JsonPath);   // ipv4_t has 12 fields before it
        Assert.Contains("up to 128 bits", e.Message);
    }

    [Fact]
    public void Extern_instances_and_unknown_hash_algorithms_are_refused()
    {
        var j = RouterJson();
        ((JsonArray)j["extern_instances"]!).Add(new JsonObject { ["name"] = "x", ["id"] = 0, ["type"] = "Foo" });
        j["calculations"]![1]!["algo"] = "toeplitz";
        var r = P4Loader.Load(j.ToJsonString());
        Assert.Contains(r.Errors, e => e.JsonPath == "extern_instances[0]");
        Assert.Contains(r.Errors, e => e.JsonPath == "calculations[1].algo" && e.Message.Contains("toeplitz"));
    }

    [Fact]
    public void Dangling_next_state_is_refused()
    {
        var j = RouterJson();
        j["parsers"]![0]!["parse_states"]![0]!["transitions"]![0]!["next_state"] = "parse_ipv6";
        var e = SingleError(j);
        Assert.Equal("parsers[0].parse_states[0].transitions[0].next_state", e.JsonPath);
    }

    /// <summary>Deleting any one property from a valid program never makes the loader throw.</summary>
    [Property(MaxTest = 300)]
    public bool Loader_never_throws_on_a_mutilated_program(PositiveInt pick)
    {
        var j = RouterJson();
        var objects = new List<JsonObject>();
        void Walk(JsonNode? n)
        {
            if (n is JsonObject o) { objects.Add(o); foreach (var kv in o.ToList()) Walk(kv.Value); }
            else if (n is JsonArray a) foreach (var x in a) Walk(x);
        }
        Walk(j);
        var target = objects[pick.Get % objects.Count];
        var keys = target.Select(kv => kv.Key).ToList();
        if (keys.Count > 0) target.Remove(keys[pick.Get / objects.Count % keys.Count]);
        var r = P4Loader.Load(j.ToJsonString());
        return r.Success || r.Errors.Count > 0;
    }
}

public class LoaderShapeTests
{
    [Fact]
    public void Extracting_or_emitting_a_header_that_is_not_whole_bytes_is_refused()
    {
        var j = TestPrograms.RouterBuilder().Build();
        ((System.Text.Json.Nodes.JsonArray)j["deparsers"]![0]!["order"]!).Add("standard_metadata");   // 360 bits: fine
        ((System.Text.Json.Nodes.JsonArray)j["deparsers"]![0]!["order"]!).Add("meta");                // 72 bits: fine
        Assert.True(P4Loader.Load(j.ToJsonString()).Success);
        j["header_types"]![5]!["fields"]![0]![1] = 15;                                                 // meta_t: 71 bits
        var r = P4Loader.Load(j.ToJsonString());
        Assert.Contains(r.Errors, e => e.JsonPath == "deparsers[0].order[4]" && e.Message.Contains("71 bits"));
    }

    [Fact]
    public void Negative_lookahead_offsets_are_refused()
    {
        var j = TestPrograms.RouterBuilder().Build();
        j["parsers"]![0]!["parse_states"]![0]!["transition_key"] = System.Text.Json.Nodes.JsonNode.Parse("""[{"type":"lookahead","value":[-8,16]}]""");
        var r = P4Loader.Load(j.ToJsonString());
        Assert.Contains(r.Errors, e => e.JsonPath == "parsers[0].parse_states[0].transition_key[0].value[0]");
    }
}
