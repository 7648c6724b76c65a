using System.Globalization;
using System.Text;

namespace MeshSim.Cli.Reports;

/// <summary>
/// Draws a latency histogram as a standalone SVG in the style of fortio's result graphs (the
/// thesis' figures 6–15): count per latency bin as bars, the cumulative percentage as a line, and
/// the summary (avg, p50, p90, p99, max) in the corner. Pure text output: the same samples give
/// the same bytes, so plots can be compared in tests and reviews.
/// </summary>
public static class HistogramSvg
{
    private const int Width = 720, Height = 400, Left = 60, Right = 60, Top = 40, Bottom = 50;

    /// <summary>Renders <paramref name="samplesNs"/> (any order) into SVG text with <paramref name="bins"/> equal-width bins.</summary>
    public static string Render(string title, IReadOnlyList<long> samplesNs, int bins = 40)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var sorted = samplesNs.Order().ToArray();
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{Height}" viewBox="0 0 {Width} {Height}" font-family="sans-serif" font-size="11">""").Append('\n');
        svg.Append("""<rect width="100%" height="100%" fill="white"/>""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Width / 2}" y="20" text-anchor="middle" font-size="14">{Escape(title)}</text>""").Append('\n');
        if (sorted.Length == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Width / 2}" y="{Height / 2}" text-anchor="middle">no samples</text>""").Append("\n</svg>\n");
            return svg.ToString();
        }

        long min = sorted[0], max = sorted[^1];
        double span = Math.Max(1, max - min);
        var counts = new int[bins];
        foreach (var s in sorted) counts[Math.Min(bins - 1, (int)((s - min) / span * bins))]++;
        int peak = counts.Max();
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom, barW = plotW / bins;

        // Axes.
        svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{Left}" y1="{Top + plotH}" x2="{Left + plotW}" y2="{Top + plotH}" stroke="black"/>""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{Left}" y1="{Top}" x2="{Left}" y2="{Top + plotH}" stroke="black"/>""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{Left + plotW}" y1="{Top}" x2="{Left + plotW}" y2="{Top + plotH}" stroke="#1f77b4"/>""").Append('\n');
        for (int t = 0; t <= 5; t++)
        {
            double x = Left + plotW * t / 5, y = Top + plotH - plotH * t / 5;
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{F(x)}" y="{Top + plotH + 15}" text-anchor="middle">{Ms(min + span * t / 5)}</text>""").Append('\n');
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Left - 5}" y="{F(y + 4)}" text-anchor="end">{(int)Math.Round(peak * t / 5.0)}</text>""").Append('\n');
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Left + plotW + 5}" y="{F(y + 4)}" fill="#1f77b4">{t * 20}%</text>""").Append('\n');
        }
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Width / 2}" y="{Height - 12}" text-anchor="middle">latency (ms)</text>""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="14" y="{Height / 2}" text-anchor="middle" transform="rotate(-90 14 {Height / 2})">count</text>""").Append('\n');

        // Bars, then the cumulative percentage.
        for (int b = 0; b < bins; b++)
        {
            if (counts[b] == 0) continue;
            double h = plotH * counts[b] / peak;
            svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{F(Left + b * barW + 0.5)}" y="{F(Top + plotH - h)}" width="{F(barW - 1)}" height="{F(h)}" fill="#ff7f0e"/>""").Append('\n');
        }
        var points = new StringBuilder();
        int cumulative = 0;
        for (int b = 0; b < bins; b++)
        {
            cumulative += counts[b];
            points.Append(CultureInfo.InvariantCulture, $"{F(Left + (b + 1) * barW)},{F(Top + plotH - plotH * cumulative / sorted.Length)} ");
        }
        svg.Append(CultureInfo.InvariantCulture, $"""<polyline points="{F(Left)},{F(Top + plotH)} {points.ToString().TrimEnd()}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>""").Append('\n');

        // Summary, fortio's figures.
        double avg = sorted.Average();
        string[] lines =
        [
            $"count {sorted.Length}",
            $"avg {Ms(avg)} ms",
            $"p50 {Ms(Rank(sorted, 50))} ms",
            $"p90 {Ms(Rank(sorted, 90))} ms",
            $"p99 {Ms(Rank(sorted, 99))} ms",
            $"max {Ms(max)} ms",
        ];
        for (int i = 0; i < lines.Length; i++)
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Left + plotW - 10}" y="{Top + 15 + 14 * i}" text-anchor="end">{lines[i]}</text>""").Append('\n');
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>Nearest-rank percentile of sorted samples.</summary>
    private static long Rank(long[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string Ms(double ns) => (ns / 1e6).ToString("0.###", CultureInfo.InvariantCulture);
    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
