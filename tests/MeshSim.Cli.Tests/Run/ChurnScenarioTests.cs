using MeshSim.Cli.Run;
using MeshSim.Cli.Scenario;

namespace MeshSim.Cli.Tests.Run;

/// <summary><c>keepalive: false</c> traffic: a connection per request, and conntrack watched each second.</summary>
public class ChurnScenarioTests
{
    private static string Yaml => File.ReadAllText(Path.Combine(ThesisLabTests.Repo, "scenarios", "churn-vip.yaml"));

    [Fact]
    public void A_connection_per_request_fills_conntrack_with_closed_entries_second_by_second()
    {
        var spec = ScenarioLoader.Load(Yaml.Replace("duration: 5s", "duration: 2s"), "churn.yaml");
        var report = ScenarioRun.Execute(spec);
        var (traffic, result) = Assert.Single(report.Traffic);
        Assert.False(traffic.KeepAlive);
        Assert.NotNull(result);
        Assert.True(result!.Completed > 1000, $"{result.Completed} requests");
        Assert.Equal(result.Completed, result.ConnectionsOpened);
        var s1 = report.Conntrack!.Where(c => c.Switch == "s1").ToList();
        Assert.Equal([1, 2], s1.Select(c => c.Second));
        int TimeWait(ConntrackSample c) => c.Counts.Where(kv => kv.Key.State == "TIME_WAIT").Sum(kv => kv.Value);
        Assert.True(TimeWait(s1[1]) > TimeWait(s1[0]) && TimeWait(s1[0]) > 0, "closed entries accumulate (30 s timeout)");
        var json = RunReportText.ToJson(report);
        Assert.Contains("\"conntrack\"", json);
        Assert.Contains("\"connectionsOpened\"", json);
        Assert.Contains("a new connection per request", RunReportText.ToText(report));
        Assert.Equal(json, RunReportText.ToJson(ScenarioRun.Execute(spec)));   // deterministic
    }

    [Fact]
    public void Requests_and_duration_together_are_refused()
    {
        var yaml = Yaml.Replace("duration: 5s,", "duration: 5s, requests: 10,");
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(yaml, "churn.yaml"));
        Assert.Contains("requests or duration, not both", e.Message);
    }
}
