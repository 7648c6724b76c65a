using MeshSim.Cli.Scenario;

namespace MeshSim.Cli.Tests.Hostile;

/// <summary>The scenario limits: each has a default, a message that names it, and a way to raise it.</summary>
public class ScenarioLimitsTests
{
    private static string Hosts(int n) =>
        "name: many\nhosts:\n" + string.Concat(Enumerable.Range(0, n).Select(i => $"  - {{ name: h{i}, ip: 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}, mac: \"02:00:00:{i >> 16 & 255:x2}:{i >> 8 & 255:x2}:{i & 255:x2}\" }}\n"));

    [Fact]
    public void Hosts_beyond_the_limit_are_refused_naming_the_limit_and_both_ways_to_raise_it()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Hosts(5), "many.yaml", ScenarioLimits.Default.With("hosts", 4)));
        Assert.Equal("many.yaml:3:3: hosts: 5 hosts is more than the limit of 4 (hosts); raise it with --limit hosts=N or the scenario's 'limits: { hosts: N }'", e.Message);
    }

    [Fact]
    public void The_default_host_limit_is_1024_and_the_scenario_can_raise_it()
    {
        Assert.Contains("limit of 1024 (hosts)", Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Hosts(1025), "many.yaml")).Message);
        var s = ScenarioLoader.Load("limits: { hosts: 2000 }\n" + Hosts(1025), "many.yaml");
        Assert.Equal(1025, s.Hosts.Count);
    }

    [Theory]
    [InlineData("depth")]
    [InlineData("file_size")]
    public void A_scenario_cannot_raise_the_limits_that_guard_reading_it(string name)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load($"limits: {{ {name}: 100000 }}\nname: x\n", "x.yaml"));
        Assert.Contains($"only the command line raises it (--limit {name}=N)", e.Message);
    }

    [Fact]
    public void Virtual_time_is_limited_to_an_hour_by_default()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("name: x\nuntil: 7201s\n", "x.yaml"));
        Assert.Equal("x.yaml:2:8: until: 7201s is more than the limit of 3600 virtual seconds (until); raise it with --limit until=N or the scenario's 'limits: { until: N }'", e.Message);
        Assert.Equal(7_201_000_000_000L, ScenarioLoader.Load("name: x\nuntil: 7201s\nlimits: { until: 7201 }\n", "x.yaml").UntilNs);
    }

    [Fact]
    public void Requests_are_limited_over_all_traffic_runs_together()
    {
        const string Yaml = """
            name: load
            hosts: [{ name: a, ip: 10.0.0.1, mac: "00:00:00:00:00:01" }]
            traffic:
              - { name: one, from: a, url: "http://10.0.0.2/", requests: 600000 }
              - { name: two, from: a, url: "http://10.0.0.2/", requests: 600000 }
            """;
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Yaml, "load.yaml"));
        Assert.Contains("traffic[1]", e.Message);
        Assert.Contains("1200000 requests in traffic up to here is more than the limit of 1000000 (requests)", e.Message);
        Assert.Equal(2, ScenarioLoader.Load(Yaml, "load.yaml", ScenarioLimits.Default.With(["requests=2000000"])).Traffic.Count);
    }

    [Fact]
    public void A_traffic_duration_counts_against_the_virtual_time_limit_without_overflowing()
    {
        static string Yaml(string duration) => $$"""
            name: churn
            hosts: [{ name: a, ip: 10.0.0.1, mac: "00:00:00:00:00:01" }]
            traffic:
              - { name: one, from: a, url: "http://10.0.0.2/", start: 10s, duration: {{duration}}, keepalive: false }
            """;
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Yaml("3591s"), "churn.yaml"));
        Assert.Equal("churn.yaml:4:5: traffic[0]: start 10s plus duration 3591s is more than the limit of 3600 virtual seconds (until); raise it with --limit until=N or the scenario's 'limits: { until: N }'", e.Message);
        Assert.Contains("is more than the limit of 3600 virtual seconds", Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Yaml("9223372036s"), "churn.yaml")).Message);
        Assert.Equal(3_590_000_000_000L, ScenarioLoader.Load(Yaml("3590s"), "churn.yaml").Traffic[0].DurationNs);
    }

    [Fact]
    public void Run_until_on_the_command_line_is_limited_too()
    {
        var (code, _, err) = CliProcess.Run("run", "--until", "7200s");
        Assert.Equal(2, code);
        Assert.Equal("meshsim run: --until: 7200s is more than the limit of 3600 virtual seconds (until); raise it with --limit until=N; see 'meshsim run --help'\n", err);
    }

    [Fact]
    public void Intention_rules_are_limited()
    {
        var yaml = "name: x\nintentions:\n  rules:\n" + string.Concat(Enumerable.Repeat("    - { source: a, destination: b, action: allow }\n", 3));
        Assert.Contains("3 rules is more than the limit of 2 (rules)", Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(yaml, "x.yaml", ScenarioLimits.Default.With("rules", 2))).Message);
    }

    [Fact]
    public void A_file_beyond_the_size_limit_is_refused_before_it_is_read()
    {
        var path = Path.Combine(Path.GetTempPath(), $"meshsim-big-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "name: x\n" + new string('#', 2000) + "\n");
        try
        {
            var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.LoadFile(path, ScenarioLimits.Default.With("file_size", 1000)));
            Assert.Contains("2009 bytes is more than the limit of 1000 bytes (file_size); raise it with --limit file_size=N", e.Message);
            Assert.Equal("x", ScenarioLoader.LoadFile(path).Name);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("hosts")]
    [InlineData("hosts=")]
    [InlineData("hosts=0")]
    [InlineData("nosuch=5")]
    [InlineData("hosts=-1")]
    public void Bad_limit_settings_are_argument_errors(string setting) =>
        Assert.Throws<ArgumentException>(() => ScenarioLimits.Default.With([setting]));
}
