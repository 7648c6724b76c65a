using MeshSim.Cli.Run;
using MeshSim.Cli.Scenario;

namespace MeshSim.Cli.Tests.Run;

public class ThesisLabTests
{
    internal static string Repo
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "MeshSim.sln"))) dir = Path.GetDirectoryName(dir);
            return dir ?? throw new DirectoryNotFoundException("MeshSim.sln not found above the test directory");
        }
    }

    [Fact]
    public void The_compiled_lab_serves_every_upstream_including_the_same_host_pair_and_enforces_the_deny()
    {
        var report = ScenarioRun.Execute(EmbeddedScenarios.LoadOrDefault(null));
        Assert.All(report.Verdicts, v => Assert.True(v.Held, $"{v.Expectation}: {v.Observed}"));
        Assert.Contains(report.Verdicts, v => v.Expectation == "reach: frontend -> public-api");   // both on H1
        var api = Assert.Single(report.Traffic);
        Assert.NotNull(api.Result);
        Assert.Equal(200, api.Result!.Completed);
        Assert.Equal(0, api.Result.Errors);
    }

    [Fact]
    public void The_thesis_rules_reproduce_the_same_host_failure_and_nothing_else()
    {
        var report = ScenarioRun.Execute(ScenarioLoader.LoadFile(Path.Combine(Repo, "scenarios", "thesis-lab-faithful.yaml")));
        Assert.All(report.Verdicts, v => Assert.True(v.Held, $"{v.Expectation}: {v.Observed}"));
        var sameHost = report.Verdicts.Single(v => v.Expectation == "deny: frontend -> public-api");
        Assert.Contains("no SYN-ACK", sameHost.Observed);
    }

    [Fact]
    public void Same_seed_same_fingerprint_and_report_other_seed_other_bytes()
    {
        var spec = EmbeddedScenarios.LoadOrDefault(null);
        var a = ScenarioRun.Execute(spec);
        var b = ScenarioRun.Execute(spec);
        var c = ScenarioRun.Execute(spec, seed: 2);
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.Equal(RunReportText.ToText(a), RunReportText.ToText(b));
        Assert.Equal(RunReportText.ToJson(a), RunReportText.ToJson(b));
        Assert.NotEqual(a.Fingerprint, c.Fingerprint);   // seed 2 draws other TCP initial sequence numbers
    }

    [Fact]
    public void Hand_written_rules_that_do_not_parse_are_reported_with_file_and_line()
    {
        var dir = Directory.CreateTempSubdirectory("meshsim-lab-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "bad.flows"), "priority=10,actions=NORMAL\npriority=5,tcp,tp_dst=99999,actions=drop\n");
            var yaml = File.ReadAllText(Path.Combine(Repo, "scenarios", "thesis-lab-faithful.yaml")).Replace("thesis-faithful/s1.flows", "bad.flows");
            var path = Path.Combine(dir.FullName, "lab.yaml");
            File.WriteAllText(path, yaml);
            var ex = Assert.Throws<ScenarioException>(() => ScenarioRun.Execute(ScenarioLoader.LoadFile(path)));
            Assert.Contains("bad.flows:2:", ex.Message);
            Assert.Contains("switches[0]", ex.Message);
        }
        finally { dir.Delete(true); }
    }
}
