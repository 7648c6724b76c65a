using MeshSim.Cli.Run;
using MeshSim.Cli.Scenario;

namespace MeshSim.Cli.Tests.Hostile;

/// <summary>Issue #25, item 1: every input here once escaped the scenario loader as something other than a
/// positioned <see cref="ScenarioException"/> (or ended the process). Each is the minimal input the fuzz
/// campaign (tools/fuzz) or the issue found.</summary>
public class HostileScenarioTests
{
    private const string Minimal = """
        name: tiny
        hosts:
          - { name: a, ip: 10.0.0.1, mac: "00:00:00:00:00:01" }
        switches:
          - { name: s1 }
        links:
          - [a, "s1:1"]
        """;

    private static ScenarioException Refused(string yaml, ScenarioLimits? limits = null) =>
        Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(yaml, "hostile.yaml", limits));

    // YamlDotNet throws these instead of a YamlException (found by fuzzing the raw library).
    [Theory]
    [InlineData("  - {m\n-", "InvalidOperationException from Scanner.ScanPlainScalar")]
    [InlineData("  - 3\n  - :", "ArgumentException from YamlNode.ParseNode (unsupported event)")]
    [InlineData("#\n... f", "InvalidOperationException from Parser.ParseDocumentStart")]
    [InlineData("\"\\udc00\\u8", "ArgumentOutOfRangeException from char.ConvertToUtf32")]
    public void Yaml_library_failures_are_positioned_errors(string yaml, string what)
    {
        var e = Refused(yaml);
        Assert.StartsWith("hostile.yaml:", e.Message);
        Assert.Contains("not valid YAML", e.Message);
        Assert.True(e.At.Line >= 1 && e.At.Column >= 1, what);
    }

    [Theory]
    [InlineData(30_000)]
    [InlineData(50_000)]   // once a stack overflow that ended the process (exit 134)
    public void A_depth_bomb_is_refused_by_the_depth_limit(int depth)
    {
        var yaml = "name: x\nhosts: " + new string('[', depth) + new string(']', depth) + "\n";
        var e = Refused(yaml);
        Assert.Contains("limit of 64 levels (depth)", e.Message);
        Assert.Contains("--limit depth=N", e.Message);
        Assert.Equal(2, e.At.Line);
    }

    [Fact]
    public void A_depth_bomb_is_refused_on_a_small_stack_too()
    {
        // The limit is designed: it holds on a 256 KiB stack, far below any thread the CLI parses on.
        Exception? caught = null;
        var t = new Thread(() => caught = Record.Exception(() => ScenarioLoader.Load("a: " + new string('{', 100_000), "deep.yaml")), 256 * 1024);
        t.Start();
        t.Join();
        Assert.IsType<ScenarioException>(caught);
    }

    [Fact]
    public void Raising_the_depth_limit_lets_deeper_nesting_through_to_the_binder()
    {
        var yaml = "name: x\nhosts: " + new string('[', 100) + new string(']', 100) + "\n";
        Assert.Contains("(depth)", Refused(yaml).Message);
        var e = Refused(yaml, ScenarioLimits.Default.With("depth", 200));
        Assert.Contains("hosts[0]: expected a host", e.Message);
    }

    [Theory]
    [InlineData("flow: s1 cookie=0x1ffffffffffffffff n_packets > 0", "does not fit in 64 bits")]
    [InlineData("flow: s1 cookie=18446744073709551616 n_packets > 0", "does not fit in 64 bits")]
    [InlineData("flow: s1 cookie=0x1 n_packets > 99999999999999999999", "beyond a 64-bit counter")]
    public void Numbers_beyond_64_bits_in_expectations_are_errors(string expectation, string message)
    {
        var spec = ScenarioLoader.Load(Minimal + $"\nexpect:\n  - {{ {expectation} }}\n", "hostile.yaml");
        var e = Assert.Throws<ScenarioException>(() => Expectation.ParseAll(spec));
        Assert.Contains(message, e.Message);
        Assert.Contains("expect[0]", e.Message);
    }

    [Theory]
    [InlineData("79228162514264337593543950335Gbps")]   // decimal.MaxValue: the multiplication overflowed
    [InlineData("9223372036854775808bps")]
    [InlineData("99999999999999999999999999999999999Kbps")]
    public void Rates_beyond_any_integer_are_errors(string rate)
    {
        Assert.False(ScalarValues.TryRate(rate, out _));
        var e = Refused(Minimal.Replace("- [a, \"s1:1\"]", $"- {{ a: a, b: \"s1:1\", rate: {rate} }}"));
        Assert.Contains("links[0].rate: expected a rate", e.Message);
    }

    [Theory]
    [InlineData("79228162514264337593543950335m")]
    [InlineData("153722867280912931m")]      // just beyond long.MaxValue nanoseconds
    public void Durations_beyond_any_integer_are_errors(string duration)
    {
        Assert.False(ScalarValues.TryDuration(duration, out _));
        Assert.Contains("until: expected a duration", Refused(Minimal + $"\nuntil: {duration}\n").Message);
    }

    [Fact]
    public void A_response_size_beyond_an_int_is_an_error_not_a_negative_size()
    {
        var yaml = Minimal + "\nservices:\n  - { name: web, instances: [{ host: a, port: 80 }], app: { response_size: 4000000000 } }\n";
        Assert.Contains("services[0].app.response_size: expected a response size of at most 1024MB", Refused(yaml).Message);
    }

    [Fact]
    public void Valid_extremes_still_load()
    {
        var s = ScenarioLoader.Load(Minimal.Replace("- [a, \"s1:1\"]", "- { a: a, b: \"s1:1\", rate: 9223372036854775807bps, latency: 1s }") + "\nuntil: 3600s\n", "ok.yaml");
        Assert.Equal(long.MaxValue, s.Links[0].BitsPerSecond);
        Assert.Equal(3_600_000_000_000L, s.UntilNs);
    }
}
