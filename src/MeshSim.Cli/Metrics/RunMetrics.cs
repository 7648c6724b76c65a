using MeshSim.Cli.Run;
using MeshSim.Control.Metrics;
using MeshSim.Ovs.Datapath;
using MeshSim.Ovs.Stats;

namespace MeshSim.Cli.Metrics;

/// <summary>
/// The metrics of one run: the switches' own series (<see cref="PrometheusText"/>) followed by the
/// controller's service-level series (<see cref="ServiceTcpMetrics"/>), scraped every
/// <see cref="IntervalNs"/> of virtual time by an event of the run's own simulator, so the series
/// and the final exposition read the same counters at the same instants. Scraping reads counters;
/// it sends no frames and draws no random numbers, so the run's traffic is unchanged.
/// </summary>
public sealed class RunMetrics
{
    private readonly ScenarioWorld _world;
    private readonly ServiceTcpMetrics? _services;
    private readonly OpenMetricsSeries? _series;
    private readonly Func<string>? _extra;

    /// <summary>Virtual time between scrapes (<see cref="long.MaxValue"/> when scraped on demand).</summary>
    public long IntervalNs { get; }

    private RunMetrics(ScenarioWorld world, long intervalNs, bool keepSeries, Func<string>? extra, bool switchServices = true)
    {
        _world = world;
        _extra = extra;
        IntervalNs = intervalNs;
        if (switchServices && world.Compiled is { } compiled) _services = new ServiceTcpMetrics(compiled, world.Spec.Mesh.VirtualIp);
        if (keepSeries) _series = new OpenMetricsSeries();
    }

    /// <summary>Starts scraping <paramref name="world"/> at time 0 and every <paramref name="intervalNs"/> after;
    /// <paramref name="extra"/> adds families of its own (the sidecars' series) after the others, and
    /// <paramref name="switchServices"/> false leaves out the switches' service series (a world whose
    /// switches do not run the compiled rules, such as the sidecar mesh's plain L2 fabric).</summary>
    public static RunMetrics Attach(ScenarioWorld world, long intervalNs, bool keepSeries, Func<string>? extra = null, bool switchServices = true)
    {
        if (intervalNs <= 0) throw new ArgumentOutOfRangeException(nameof(intervalNs), "the scrape interval must be positive");
        var m = new RunMetrics(world, intervalNs, keepSeries, extra, switchServices);
        m.ScrapeAndReschedule();
        return m;
    }

    /// <summary>
    /// Metrics scraped only when asked (the lab's <c>metrics</c> command), so the world's event queue
    /// and the lab's transcripts stay as they were; a connection that expired between two asks is
    /// missing from the byte and close totals.
    /// </summary>
    public static RunMetrics OnDemand(ScenarioWorld world, Func<string>? extra = null) => new(world, long.MaxValue, keepSeries: false, extra);

    /// <summary>The exposition of the switches' and the services' counters now.</summary>
    public string Exposition()
    {
        var bridges = _world.Switches.Values.Select(s => s.Bridge).OrderBy(b => b.Name, StringComparer.Ordinal).ToList();
        var text = PrometheusText.Render(bridges);
        if (_services is not null) text += _services.Render(bridges);
        return _extra is null ? text : text + _extra();
    }

    /// <summary>Takes the last scrape (at the run's end) and returns the whole run as OpenMetrics,
    /// every sample labelled with <paramref name="labels"/> too (e.g. <c>mesh="switch"</c>).</summary>
    public string Series(params (string Name, string Value)[] labels)
    {
        if (_series is null) throw new InvalidOperationException("the series were not kept");
        _series.Add(_world.Network.Sim.Now, Exposition());
        return _series.Render(labels);
    }

    private void ScrapeAndReschedule()
    {
        var text = Exposition();
        _series?.Add(_world.Network.Sim.Now, text);
        _world.Network.Sim.Schedule(IntervalNs, ScrapeAndReschedule);
    }
}
