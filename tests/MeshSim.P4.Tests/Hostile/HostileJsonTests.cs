using System.Text;
using MeshSim.P4.Loading;
using MeshSim.P4.Runtime;
using MeshSim.P4.Simulation;

namespace MeshSim.P4.Tests.Hostile;

/// <summary>Issue #25, item 2, and what the fuzz campaign found in the P4 JSON readers: each input once made
/// a loader throw; now each is a positioned error.</summary>
public class HostileJsonTests
{
    private static LoadError OnlyError(byte[] json)
    {
        var r = P4Loader.Load(json);
        Assert.False(r.Success);
        return Assert.Single(r.Errors);
    }

    [Fact]
    public void Invalid_utf8_inside_a_string_is_an_error_naming_the_string()
    {
        // "Cannot transcode invalid UTF-8" from JsonElement.GetString, reachable from every loader function.
        byte[] json = [.. "{\"header_types\":[{\"name\":\"h"u8, 0xff, .. "\",\"fields\":[]}]}"u8];
        var e = OnlyError(json);
        Assert.Equal("$.header_types[0].name", e.JsonPath);
        Assert.Contains("not valid UTF-8", e.Message);
    }

    [Theory]
    [InlineData("""{"header_types":[{"name":"\udc00","fields":[]}]}""", "$.header_types[0].name")]
    [InlineData("""{"pipelines":[{"name":"\ud800x"}]}""", "$.pipelines[0].name")]
    [InlineData("""{"\ud800":1}""", "$.<property name>")]
    public void A_lone_surrogate_escape_is_an_error(string json, string path) =>
        Assert.Equal(path, OnlyError(Encoding.UTF8.GetBytes(json)).JsonPath);

    [Fact]
    public void A_member_without_its_value_is_an_error_not_a_crash_in_the_message_helper()
    {
        var e = OnlyError("""{"calculations":[{"name":"c","algo":"crc16","input":[{"type":"field"}]}]}"""u8.ToArray());
        Assert.Equal("calculations[0].input[0].value", e.JsonPath);
        Assert.Equal("(missing)", e.Snippet);
    }

    [Fact]
    public void Operands_nested_beyond_the_limit_are_refused()
    {
        // 200 nested "+" operands fit the JSON depth limit (512) but not the operand limit (128).
        var sb = new StringBuilder();
        for (int i = 0; i < 200; i++) sb.Append("""{"type":"expression","value":{"op":"+","left":{"type":"hexstr","value":"0x1"},"right":""");
        sb.Append("""{"type":"hexstr","value":"0x1"}""");
        for (int i = 0; i < 200; i++) sb.Append("}}");
        var json = """{"pipelines":[{"name":"ingress","init_table":null,"tables":[],"action_profiles":[],"conditionals":[{"name":"c","id":0,"expression":""" + sb + ""","true_next":null,"false_next":null}]}]}""";
        var r = P4Loader.Load(Encoding.UTF8.GetBytes(json));
        Assert.Contains(r.Errors, e => e.Message.Contains("nested deeper than the loader's limit of 128 levels"));
    }

    [Theory]
    [InlineData("[]", "$: expected an object")]
    [InlineData("""{"hosts":[1],"switches":{},"links":[]}""", "hosts[0]: expected a host name")]
    [InlineData("""{"hosts":{"h1":5},"switches":{},"links":[]}""", "hosts.h1: expected an object")]
    [InlineData("""{"hosts":{"h1":{"commands":[7]}},"switches":{},"links":[]}""", "hosts.h1.commands[0]: expected a shell command")]
    [InlineData("""{"switches":{},"links":[["h1",2]]}""", "links[0]: expected [a, b, latency?, bandwidth?]")]
    [InlineData("""{"switches":{},"links":[["h1","s1-p1","1ms","x"]]}""", "links[0][3]: expected a bandwidth")]
    [InlineData("""{"switches":{},"links":[["h1","s1-p1",1e300]]}""", "links[0][2]: expected a latency")]
    [InlineData("""{"switches":{},"links":[["h1","s1-p1","\udc00"]]}""", "$.links[0][2]: a string that is not valid")]
    public void Topology_json_of_the_wrong_shape_is_an_error(string json, string message)
    {
        Assert.Null(TutorialLab.Parse(json, out var errors));
        Assert.Contains(errors, e => e.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Runtime_json_with_a_lone_surrogate_is_an_error()
    {
        var errors = RuntimeJson.Apply(TestPrograms.Router(), """{"table_entries":[{"table":"\ud800"}]}""", "s1-runtime.json");
        Assert.Equal("s1-runtime.json: $.table_entries[0].table: a string that is not valid UTF-16 (a lone surrogate escape?)", Assert.Single(errors));
    }
}
