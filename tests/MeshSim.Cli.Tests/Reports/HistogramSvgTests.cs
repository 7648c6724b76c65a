using System.Xml.Linq;
using MeshSim.Cli.Reports;

namespace MeshSim.Cli.Tests.Reports;

public class HistogramSvgTests
{
    private static readonly long[] Samples = [2_400_000, 2_500_000, 2_500_000, 2_600_000, 3_100_000, 9_800_000, 2_450_000, 2_550_000];

    [Fact]
    public void Is_well_formed_svg_with_one_bar_per_non_empty_bin_and_the_summary()
    {
        var svg = HistogramSvg.Render("frontend <SN> 1 parallel", Samples, bins: 10);
        var doc = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var bars = doc.Descendants(ns + "rect").Where(r => r.Attribute("fill")?.Value == "#ff7f0e").ToList();
        Assert.Equal(2, bars.Count);           // 0.74 ms bins: 2.4–3.14 ms holds seven samples, 9.8 ms the last
        var texts = doc.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("frontend <SN> 1 parallel", texts);
        Assert.Contains("count 8", texts);
        Assert.Contains("max 9.8 ms", texts);
        Assert.Contains("p50 2.5 ms", texts);
        // The cumulative line ends at 100 %, i.e. at the top of the plot.
        var line = doc.Descendants(ns + "polyline").Single().Attribute("points")!.Value.Split(' ');
        Assert.EndsWith(",40", line[^1]);
    }

    [Fact]
    public void Same_samples_in_any_order_give_the_same_bytes()
    {
        var a = HistogramSvg.Render("t", Samples);
        var b = HistogramSvg.Render("t", Samples.Reverse().ToArray());
        Assert.Equal(a, b);
    }

    [Fact]
    public void No_samples_is_still_a_picture()
    {
        var doc = XDocument.Parse(HistogramSvg.Render("empty", []));
        Assert.Contains(doc.Descendants().Select(e => e.Value), v => v == "no samples");
    }
}
