using MeshSim.Cli.Scenario;
using MeshSim.Wire;

namespace MeshSim.Cli.Tests.Scenario;

public class ScenarioLoaderTests
{
    private const string Minimal = """
        name: tiny
        hosts:
          - { name: a, ip: 10.0.0.1, mac: "00:00:00:00:00:01" }
          - { name: b, ip: 10.0.0.2/16, mac: 52:54:00:12:34:56 }
        switches:
          - { name: s1 }
        links:
          - [a, "s1:1"]
          - { a: b, b: "s1:2", latency: 2ms, rate: 100Mbps, loss: 0.01 }
        """;

    [Fact]
    public void The_embedded_thesis_lab_loads()
    {
        var s = EmbeddedScenarios.LoadOrDefault(null);
        Assert.Equal("thesis-lab", s.Name);
        Assert.Equal(["h1", "h2", "h3", "db1"], s.Hosts.Select(h => h.Name));
        Assert.Equal(Ipv4Address.Parse("192.168.1.250"), s.Mesh.VirtualIp);
        Assert.Equal(5, s.Services.Count);
        Assert.Equal((ushort)9191, s.Services.Single(x => x.Name == "frontend").Upstreams["public-api"]);
    }

    [Fact]
    public void Binds_units_and_unquoted_macs_as_text()
    {
        var s = ScenarioLoader.Load(Minimal, "t.yaml");
        Assert.Equal(MacAddress.Parse("52:54:00:12:34:56"), s.Hosts[1].Mac);   // not a base-60 integer
        Assert.Equal(16, s.Hosts[1].PrefixLength);
        Assert.Equal(24, s.Hosts[0].PrefixLength);
        var link = s.Links[1];
        Assert.Equal(2_000_000, link.LatencyNs);
        Assert.Equal(100_000_000, link.BitsPerSecond);
        Assert.Equal(0.01, link.Loss);
        Assert.Null(s.Links[0].A.Port);
        Assert.Equal(1u, s.Links[0].B.Port);
    }

    [Theory]
    [InlineData("latency: 2 ms", "t.yaml:9:33: links[1].latency: expected a duration such as \"2ms\", got \"2 ms\"")]
    [InlineData("latncy: 2ms", "t.yaml:9:24: links[1].latncy: unknown key 'latncy'; did you mean 'latency'?")]
    [InlineData("latency: 2ms, queue: 0", "t.yaml:9:45: links[1].queue: expected a positive integer, got \"0\"")]
    [InlineData("latency: 2ms, loss: 1.5, queue: 1", "t.yaml:9:74: not valid YAML: Duplicate key")]
    public void Errors_name_line_column_path_and_expectation(string replacement, string expected)
    {
        var yaml = Minimal.Replace("latency: 2ms", replacement);
        var ex = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(yaml, "t.yaml"));
        Assert.StartsWith(expected, ex.Message);
    }

    [Fact]
    public void A_link_to_an_unknown_node_is_refused_with_the_known_names()
    {
        var ex = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Minimal.Replace("[a, \"s1:1\"]", "[a, \"s9:1\"]"), "t.yaml"));
        // The error points at the end itself and offers the nearest node.
        Assert.Contains("link end 's9:1' names no host or switch; did you mean 's1'?", ex.Message);
        Assert.StartsWith("t.yaml:8:9:", ex.Message);
    }

    [Fact]
    public void Broken_yaml_reports_its_position()
    {
        var ex = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("name: x\nhosts: [ { name: a\n", "bad.yaml"));
        Assert.StartsWith("bad.yaml:", ex.Message);
        Assert.Contains("not valid YAML", ex.Message);
    }

    [Fact]
    public void Duplicate_names_point_at_the_first_definition()
    {
        var ex = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Minimal.Replace("name: b,", "name: a,"), "t.yaml"));
        Assert.Contains("duplicate node name 'a' (first defined at line 3)", ex.Message);
    }
}
