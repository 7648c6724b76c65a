using MeshSim.Cli.Scenario;
using MeshSim.Cli.Tests.Run;
using MeshSim.Io.Pcap;

namespace MeshSim.Cli.Tests.Usage;

/// <summary>Errors in input files point where the mistake is: the misspelt reference in a scenario, the
/// member of a runtime file a P4 topology names, one position for a JSON syntax error, and a capture
/// cut short is reported as tshark reports it after the packets before the cut were replayed.</summary>
public class PositionTests
{
    private const string Embedded = "<embedded>/thesis-lab.yaml";
    private static string Lab => EmbeddedScenarios.Read(EmbeddedScenarios.Default);

    private static string LoadError(string yaml, string file = Embedded)
    {
        var ex = Assert.Throws<ScenarioException>(() =>
        {
            var spec = ScenarioLoader.Load(yaml, file);
            ScenarioModels.Registry(spec);
            ScenarioModels.Topology(spec);
        });
        return ex.Message;
    }

    /// <summary>1-based line and column of <paramref name="needle"/>'s first occurrence.</summary>
    private static string At(string text, string needle)
    {
        int i = text.IndexOf(needle, StringComparison.Ordinal);
        Assert.True(i >= 0, needle);
        int line = text[..i].Count(c => c == '\n') + 1;
        int column = i - (text.LastIndexOf('\n', Math.Max(0, i - 1)) + 1) + 1;
        return $"{line}:{column}";
    }

    [Fact]
    public void A_rule_naming_an_unknown_service_points_at_the_name()
    {
        var yaml = Lab.Replace("destination: payments-api, action: deny", "destination: paymnts-api, action: deny");
        Assert.Equal($"{Embedded}:{At(yaml, "paymnts-api")}: intentions.rules[0].destination: intention names unknown service 'paymnts-api'; did you mean 'payments-api'?",
            LoadError(yaml));
    }

    [Fact]
    public void An_instance_on_an_unknown_host_points_at_the_host_and_lists_the_hosts_when_no_one_is_nearest()
    {
        var yaml = Lab.Replace("{ host: h3, port: 13427 }", "{ host: h9, port: 13427 }");
        Assert.Equal($"{Embedded}:{At(yaml, "h9, port")}: services[3].instances[0].host: instance host 'h9' is not a host (known: db1, h1, h2, h3)", LoadError(yaml));
    }

    [Fact]
    public void Traffic_from_an_unknown_client_points_at_from()
    {
        var yaml = Lab.Replace("from: frontend", "from: frontnd");
        Assert.Equal($"{Embedded}:{At(yaml, "frontnd")}: traffic[0].from: traffic source 'frontnd' is neither a service nor a host; did you mean 'frontend'?", LoadError(yaml));
    }

    [Fact]
    public void A_second_intention_for_a_pair_points_at_it_not_at_line_1()
    {
        var rule = "    - { source: product-api, destination: payments-api, action: deny }\n";
        var yaml = Lab.Replace(rule, rule + "    - { source: product-api, destination: payments-api, action: allow }\n");
        var second = At(yaml, "- { source: product-api, destination: payments-api, action: allow }").Split(':');
        Assert.StartsWith($"{Embedded}:{second[0]}:{int.Parse(second[1]) + 2}: intentions.rules[1]: a second intention for product-api -> payments-api", LoadError(yaml));
    }

    [Fact]
    public void Two_hosts_with_one_address_point_at_the_second_address()
    {
        var yaml = Lab.Replace("name: h2,  ip: 192.168.1.12/24", "name: h2,  ip: 192.168.1.11/24");
        Assert.Equal($"{Embedded}:{At(yaml, "192.168.1.11/24, mac: \"00:00:00:00:00:02")}: hosts[1].ip: address 192.168.1.11 of 'h2' is used by host 'h1' too", LoadError(yaml));
    }

    [Theory]
    [InlineData("action: deny }", "acton: deny }", "acton", "intentions.rules[0].acton: unknown key 'acton'; did you mean 'action'?")]
    [InlineData("until: 5s", "untl: 5s", "untl", "untl: unknown key 'untl'; did you mean 'until'?")]
    [InlineData("name: thesis-lab", "nme: thesis-lab", "nme", "nme: unknown key 'nme'; did you mean 'name'?")]
    public void A_misspelt_key_gets_a_did_you_mean_at_the_key(string from, string to, string key, string message)
    {
        var yaml = Lab.Replace(from, to);
        Assert.Equal($"{Embedded}:{At(yaml, key + ":")}: {message}", LoadError(yaml));
    }

    private static string CopyOfBasicLab()
    {
        var dir = Directory.CreateTempSubdirectory("meshsim-pos-").FullName;
        var src = Path.Combine(ThesisLabTests.Repo, "scenarios", "p4-tutorial-basic");
        foreach (var f in Directory.EnumerateFiles(src, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(dir, Path.GetRelativePath(src, f));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(f, to);
        }
        return dir;
    }

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        int code = MeshSimCommand.RunAsync(args, o, e).GetAwaiter().GetResult();
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void A_bad_entry_in_a_runtime_file_points_into_the_runtime_file()
    {
        var dir = CopyOfBasicLab();
        try
        {
            var s1 = Path.Combine(dir, "s1-runtime.json");
            var text = File.ReadAllText(s1);
            var bad = text.Replace("\"action_name\": \"MyIngress.ipv4_forward\", \"action_params\": { \"dstAddr\": \"08:00:00:00:02:22\"",
                                   "\"action_name\": \"MyIngress.ipv4_forwrd\", \"action_params\": { \"dstAddr\": \"08:00:00:00:02:22\"");
            Assert.NotEqual(text, bad);
            File.WriteAllText(s1, bad);
            var (code, _, error) = Cli("pingall", "-s", Path.Combine(dir, "topology.json"));
            Assert.Equal(2, code);
            Assert.Equal($"meshsim pingall: {s1}:{At(bad, "\"MyIngress.ipv4_forwrd\"")}: table_entries[2].action_name: table 'MyIngress.ipv4_lpm' has no action 'MyIngress.ipv4_forwrd'\n", error);
            Assert.DoesNotContain("topology.json:1:1", error);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("s1-runtime.json", "\"build/basic.json\"")]
    [InlineData("topology.json", "\"10.0.2.2/24\"")]
    public void A_truncated_json_file_has_one_position(string file, string inside)
    {
        var dir = CopyOfBasicLab();
        try
        {
            var path = Path.Combine(dir, file);
            var text = File.ReadAllText(path);
            // Cut inside a string: System.Text.Json reports "end of data" at the cut, once.
            int cut = text.IndexOf(inside, StringComparison.Ordinal) + 4;
            File.WriteAllText(path, text[..cut]);
            var (code, _, error) = Cli("pingall", "-s", Path.Combine(dir, "topology.json"));
            Assert.Equal(2, code);
            int line = text[..cut].Count(c => c == '\n') + 1, column = cut - text.LastIndexOf('\n', cut - 1);
            Assert.Equal($"meshsim pingall: {path}:{line}:{column}: not valid JSON: Expected end of string, but instead reached end of data\n", error);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Json_paths_are_located_to_line_and_column()
    {
        const string json = "{\n  \"a\": [1, {\"b.c\": \"x\"}],\n  \"d\": {\"e\": true}\n}";
        Assert.Equal((2, 20), JsonPositions.Locate(json, "a[1].b.c"));   // a key holding dots is found whole
        Assert.Equal((3, 14), JsonPositions.Locate(json, "d.e"));
        Assert.Equal((3, 8), JsonPositions.Locate(json, "d.nothing"));  // the nearest member that exists
        Assert.Equal((1, 1), JsonPositions.Locate(json, "$"));
    }

    private static string Pcap => Path.Combine(ThesisLabTests.Repo, "pcaps", "replay-thesis-s1.pcap");

    [SkippableFact]
    public void A_capture_cut_short_is_reported_as_tshark_reports_it_after_the_packets_before_it()
    {
        var dir = Directory.CreateTempSubdirectory("meshsim-cut-").FullName;
        try
        {
            var bytes = File.ReadAllBytes(Pcap);
            var whole = CaptureReader.Read(bytes).Frames;
            var cut = Path.Combine(dir, "cut.pcap");
            // One byte short: every frame but the last is whole.
            Assert.NotEmpty(whole[^1].Data);
            File.WriteAllBytes(cut, bytes[..^1]);
            var (code, output, error) = CliProcess.RunIn(dir, "replay", "cut.pcap", "--into", "s1:1", "--timing", "fast");
            Assert.Equal(2, code);
            Assert.Equal("meshsim replay: The file \"cut.pcap\" appears to have been cut short in the middle of a packet.\n", error);
            for (int i = 1; i < whole.Count; i++) Assert.Matches($@"(?m)^\s+{i}\s", output);    // replayed
            Assert.DoesNotMatch($@"(?m)^\s+{whole.Count}\s", output);

            var tshark = new[] { "/usr/bin/tshark", "/usr/local/bin/tshark" }.FirstOrDefault(File.Exists);
            Skip.If(tshark is null, "tshark is not installed (apt-get install tshark): the wording was checked against it by hand");
            var psi = new System.Diagnostics.ProcessStartInfo(tshark!, ["-r", "cut.pcap"]) { WorkingDirectory = dir, RedirectStandardError = true, RedirectStandardOutput = true };
            using var p = System.Diagnostics.Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEnd();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.Contains("tshark: The file \"cut.pcap\" appears to have been cut short in the middle of a packet.", stderr);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_capture_cut_in_its_header_is_refused_in_the_same_words()
    {
        var dir = Directory.CreateTempSubdirectory("meshsim-cut-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "head.pcap"), File.ReadAllBytes(Pcap)[..20]);
            var (code, output, error) = CliProcess.RunIn(dir, "replay", "head.pcap", "--into", "s1:1");
            Assert.Equal(2, code);
            Assert.Equal("meshsim replay: The file \"head.pcap\" appears to have been cut short in the middle of a packet or other data.\n", error);
            Assert.Equal("", output);
        }
        finally { Directory.Delete(dir, true); }
    }
}
