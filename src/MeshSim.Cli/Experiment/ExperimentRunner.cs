using MeshSim.Cli.Metrics;
using MeshSim.Stack.Apps.Load;
using MeshSim.Stack.Async;

namespace MeshSim.Cli.Experiment;

/// <summary>One cell of the grid: a test on a layout at a concurrency on a mesh, run twice on one
/// freshly built world (the first attempt meets cold ARP caches and opens every connection; the
/// second reuses them, like the thesis' repeated fortio runs).</summary>
public sealed record CellResult(
    string Test,
    string Layout,
    int Concurrency,
    MeshKind Mesh,
    LoadResult First,
    LoadResult Second,
    long LoopbackConnections,
    long NetworkConnections,
    long ProxyTurns)
{
    /// <summary>The cell's metrics as OpenMetrics with virtual timestamps (null unless asked for).</summary>
    public string? Series { get; init; }
}

/// <summary>Runs an experiment's grid in a fixed order (test, layout, concurrency, mesh).</summary>
public static class ExperimentRunner
{
    /// <summary>How much virtual time one attempt may take before it is reported unfinished.</summary>
    public const long AttemptLimitNs = 600 * SimTime.Second;

    /// <summary>Runs every cell; <paramref name="progress"/> hears about each finished cell. With
    /// <paramref name="metricsIntervalNs"/>, each cell also keeps its series (<see cref="CellResult.Series"/>).</summary>
    public static IReadOnlyList<CellResult> Run(ExperimentSpec spec, int? requests = null, Action<CellResult>? progress = null, long? metricsIntervalNs = null)
    {
        var results = new List<CellResult>();
        foreach (var test in spec.Tests)
            foreach (var layout in spec.Layouts)
                foreach (var c in spec.Concurrency)
                    foreach (var mesh in new[] { MeshKind.Sidecar, MeshKind.Switch })
                    {
                        var cell = RunCell(spec, test, layout, c, mesh, requests ?? spec.Requests, metricsIntervalNs);
                        results.Add(cell);
                        progress?.Invoke(cell);
                    }
        return results;
    }

    /// <summary>Runs one cell on a new world.</summary>
    /// <exception cref="InvalidOperationException">An attempt did not finish within <see cref="AttemptLimitNs"/>.</exception>
    /// <remarks>With <paramref name="metricsIntervalNs"/> the world is scraped as <c>run --metrics-series</c>
    /// scrapes (an event every interval that only reads counters), the sidecar mesh's proxies adding their
    /// <c>reporter="source"</c> series; the results are the same as without.</remarks>
    public static CellResult RunCell(ExperimentSpec spec, LoadTestSpec test, LayoutSpec layout, int concurrency, MeshKind mesh, int requests, long? metricsIntervalNs = null)
    {
        var world = Build(spec, layout, mesh);
        var connections = new ConnectionCounter();
        world.World.Network.AddObserver(connections);
        var metrics = metricsIntervalNs is { } interval
            ? mesh == MeshKind.Sidecar
                ? RunMetrics.Attach(world.World, interval, keepSeries: true, () => SidecarMetrics.Render(world.Proxies), switchServices: false)
                : RunMetrics.Attach(world.World, interval, keepSeries: true)
            : null;
        var first = Attempt(world, test, concurrency, requests);
        var second = Attempt(world, test, concurrency, requests);
        return new CellResult(test.Name, layout.Name, concurrency, mesh, first, second, connections.Loopback, connections.Network, world.Proxies.Sum(p => p.Turns))
        {
            Series = metrics?.Series(("mesh", mesh == MeshKind.Sidecar ? "sidecar" : "switch")),
        };
    }

    /// <summary>Builds <paramref name="layout"/> as <paramref name="mesh"/> with the experiment's seed.</summary>
    public static MeshWorld Build(ExperimentSpec spec, LayoutSpec layout, MeshKind mesh) => mesh == MeshKind.Switch
        ? MeshWorld.BuildSwitch(layout.Scenario, spec.Switch, spec.Seed)
        : MeshWorld.BuildSidecar(layout.Scenario, spec.Sidecar, spec.Seed);

    /// <summary>One fortio run on <paramref name="world"/>, to completion.</summary>
    public static LoadResult Attempt(MeshWorld world, LoadTestSpec test, int concurrency, int requests)
    {
        var (host, target) = world.LoadTarget(test);
        var load = LoadGenerator.Run(host, new LoadOptions
        {
            Target = target.Address, Port = target.Port, Path = test.Path, Requests = requests, Concurrency = concurrency,
        });
        if (!world.World.RunUntilDone(load, AttemptLimitNs))
            throw new InvalidOperationException($"{test.Name} on {world.World.Spec.Name} ({world.Kind}, c={concurrency}) did not finish within {AttemptLimitNs / SimTime.Second} s of virtual time");
        return load.Result;
    }
}
