namespace MeshSim.Cli.Tests.Run;

public class RunCommandTests
{
    [Fact]
    public void Run_without_arguments_runs_the_embedded_thesis_lab_and_exits_0()
    {
        var (code, output, error) = CliProcess.Run("run");
        Assert.True(code == 0, error + output);
        Assert.StartsWith("*** thesis-lab: 4 hosts, 2 switches, 5 links, 5 services (seed 1)", output);
        Assert.EndsWith("*** 8/8 expectations held\n", output);
    }

    [Fact]
    public void A_failed_expectation_exits_1_and_says_which()
    {
        var dir = Directory.CreateTempSubdirectory("meshsim-run-");
        try
        {
            var yaml = File.ReadAllText(Path.Combine(ThesisLabTests.Repo, "scenarios", "thesis-lab.yaml"))
                .Replace("latency: api p99 < 50ms", "latency: api p99 < 1ms");
            File.WriteAllText(Path.Combine(dir.FullName, "lab.yaml"), yaml);
            var (code, output, _) = CliProcess.RunIn(dir.FullName, "run", "lab.yaml");
            Assert.Equal(1, code);
            Assert.Matches(@"FAIL  latency: api p99 < 1ms\s+p99 = \d+\.\d{3} ms", output);
            Assert.EndsWith("*** 7/8 expectations held\n", output);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Bad_input_exits_2_with_a_positioned_message()
    {
        var dir = Directory.CreateTempSubdirectory("meshsim-run-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "lab.yaml"), "name: x\nhosts:\n  - { name: a, ip: 10.0.0.300, mac: \"00:00:00:00:00:01\" }\n");
            var (code, output, error) = CliProcess.RunIn(dir.FullName, "run", "lab.yaml");
            Assert.Equal(2, code);
            Assert.Equal("", output);
            Assert.Equal("meshsim run: lab.yaml:3:20: hosts[0].ip: expected an IPv4 address such as 192.168.1.11/24, got \"10.0.0.300\"\n", error);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Json_and_pcap_output_are_deterministic_and_tshark_reads_the_captures()
    {
        var dir = Directory.CreateTempSubdirectory("meshsim-run-");
        try
        {
            var (code1, json1, _) = CliProcess.RunIn(dir.FullName, "run", "--json", "--pcap", "a");
            var (code2, json2, _) = CliProcess.RunIn(dir.FullName, "run", "--json", "--pcap", "b");
            Assert.Equal(0, code1);
            Assert.Equal(0, code2);
            Assert.Equal(json1, json2);
            Assert.Contains("\"all_held\": true", json1);
            var files = Directory.GetFiles(Path.Combine(dir.FullName, "a")).Select(Path.GetFileName).Order().ToList();
            Assert.Equal(10, files.Count);   // five links, two ends each
            Assert.Contains("thesis-lab-h1-0.pcap", files);
            foreach (var f in files)
                Assert.Equal(File.ReadAllBytes(Path.Combine(dir.FullName, "a", f!)), File.ReadAllBytes(Path.Combine(dir.FullName, "b", f!)));
            var tshark = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, "tshark")).FirstOrDefault(File.Exists);
            if (tshark is null) { Assert.Null(Environment.GetEnvironmentVariable("CI")); return; }
            var psi = new System.Diagnostics.ProcessStartInfo(tshark, ["-r", Path.Combine(dir.FullName, "a", "thesis-lab-h1-0.pcap"), "-o", "tcp.check_checksum:TRUE", "-Y", "_ws.malformed || _ws.expert.severity >= error"]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = System.Diagnostics.Process.Start(psi)!;
            var bad = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
            Assert.Equal("", bad);   // no malformed frame, no checksum error
        }
        finally { dir.Delete(true); }
    }
}
