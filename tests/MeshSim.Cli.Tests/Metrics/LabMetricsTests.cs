using MeshSim.Cli.Lab;
using MeshSim.Cli.Scenario;

namespace MeshSim.Cli.Tests.Metrics;

/// <summary>The lab's <c>metrics</c> command.</summary>
public class LabMetricsTests
{
    [Fact]
    public void Metrics_follow_the_traffic_the_lab_made()
    {
        var session = new LabSession(EmbeddedScenarios.LoadOrDefault(null));
        const string opened = "istio_tcp_connections_opened_total{reporter=\"switch\",source_workload=\"frontend\",";
        Assert.Equal(0, RunMetricsTests.Sample(session.Execute("metrics istio_tcp_connections_opened"), opened));
        session.Execute("h1 curl 192.168.1.250:9191");
        session.Execute("h1 curl 192.168.1.250:9191");
        var text = session.Execute("metrics istio_tcp_connections_opened");
        Assert.Equal(2, RunMetricsTests.Sample(text, opened));
        // The prefix keeps only its family, HELP and TYPE included.
        Assert.StartsWith("# HELP istio_tcp_connections_opened_total ", text);
        Assert.DoesNotContain("istio_tcp_sent_bytes_total", text);
        Assert.Equal("no series start with nope_\n", session.Execute("metrics nope_"));
        Assert.Contains("openvswitch_datapath_stats_flows", session.Execute("metrics"));
    }
}
