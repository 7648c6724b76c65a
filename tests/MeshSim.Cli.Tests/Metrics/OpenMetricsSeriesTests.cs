using MeshSim.Cli.Metrics;

namespace MeshSim.Cli.Tests.Metrics;

public class OpenMetricsSeriesTests
{
    private const string Scrape = "# HELP a_total Things.\n# TYPE a_total counter\na_total{x=\"1\"} {0}\n# HELP masks Masks.\n# TYPE masks counter\nmasks 3\n";

    [Fact]
    public void Scrapes_regroup_by_series_with_seconds_and_openmetrics_names()
    {
        var s = new OpenMetricsSeries();
        s.Add(0, Scrape.Replace("{0}", "1"));
        s.Add(1_500_000_000, Scrape.Replace("{0}", "4"));
        Assert.Equal(
            "# TYPE a counter\n# HELP a Things.\na_total{x=\"1\"} 1 0.000\na_total{x=\"1\"} 4 1.500\n" +
            "# TYPE masks unknown\n# HELP masks Masks.\nmasks 3 0.000\nmasks 3 1.500\n# EOF\n", s.Render());
        Assert.Equal(2, s.Scrapes);
    }

    [Fact]
    public void A_second_scrape_at_one_instant_replaces_the_first_and_time_never_goes_back()
    {
        var s = new OpenMetricsSeries();
        s.Add(2_000_000_000, Scrape.Replace("{0}", "1"));
        s.Add(2_000_000_000, Scrape.Replace("{0}", "7"));
        Assert.Contains("a_total{x=\"1\"} 7 2.000\n", s.Render());
        Assert.DoesNotContain(" 1 2.000", s.Render());
        Assert.Throws<ArgumentException>(() => s.Add(1, Scrape.Replace("{0}", "1")));
    }
}
