using System.CommandLine;
using System.Runtime.InteropServices;
using MeshSim.Cli.Metrics;
using MeshSim.Cli.Run;
using MeshSim.Cli.Scenario;
using MeshSim.Engine;
using MeshSim.Io.Live;

namespace MeshSim.Cli.Commands.Emulate;

/// <summary>
/// <c>meshsim emulate [-s SCENARIO] (--attach HOST=IFACE | --tap HOST=TAP [--configure]) ... [--duration 30s] [--metrics-listen [ADDRESS:]PORT]</c>:
/// runs the scenario in real time (virtual time follows the wall clock) and bridges each external
/// host's switch port to a real Linux interface: an existing one (a veth end) through libpcap, or a
/// TAP device it creates (and removes on exit), so real programs (curl, ping, python http.server)
/// talk through the simulated switches to simulated services. Needs root (or CAP_NET_RAW /
/// CAP_NET_ADMIN) for the interfaces.
/// </summary>
public static class EmulateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var o = new ScenarioOptions();
        var attach = new Option<string[]>("--attach") { Description = "HOST=IFACE: bridge external host HOST's switch port to the existing interface IFACE (a veth end)", AllowMultipleArgumentsPerToken = true };
        var tap = new Option<string[]>("--tap") { Description = "HOST=TAP: create TAP device TAP (removed on exit) and bridge external host HOST's switch port to it", AllowMultipleArgumentsPerToken = true };
        var configure = new Option<bool>("--configure") { Description = "give each --tap device its host's MAC and address from the scenario and bring it up (otherwise it is only up, unconfigured)" };
        var duration = new Option<string?>("--duration") { Description = "stop after this long (default: until Ctrl-C)" };
        var metricsListen = MetricsListenOption.Create();
        var command = o.AddTo(new Command("emulate", "Run a scenario in real time, bridged to real interfaces") { attach, tap, configure, duration, metricsListen });
        command.SetAction((ParseResult p, CancellationToken ct) => o.Invoke(p, "emulate", (spec, seed, output) =>
        {
            long untilNs = long.MaxValue;
            if (p.GetValue(duration) is { } d && !ScalarValues.TryDuration(d, out untilNs)) throw new UsageException($"--duration: expected a duration such as 30s, got '{d}'");
            // Usage errors first, before any work: each HOST=IFACE names an external host of the scenario.
            var attachments = (p.GetValue(attach) ?? []).Select(a => (Option: "--attach", Text: a))
                .Concat((p.GetValue(tap) ?? []).Select(a => (Option: "--tap", Text: a))).ToList();
            if (attachments.Count == 0) throw new UsageException("emulate needs at least one --attach HOST=IFACE or --tap HOST=TAP");
            var external = spec.Hosts.Where(h => h.External).Select(h => h.Name).ToList();
            foreach (var (option, a) in attachments)
            {
                var eq = a.IndexOf('=');
                if (eq <= 0) throw new UsageException($"{option}: expected HOST={(option == "--tap" ? "TAP" : "IFACE")}, got '{a}'");
                if (!external.Contains(a[..eq]))
                    throw new UsageException($"{option}: '{a[..eq]}' is not an external host of the scenario (external: {string.Join(", ", external)}; mark a host `external: true`)");
            }
            // Warm the packet paths on a throwaway run of the same scenario (its own traffic, one
            // virtual second at most): otherwise the first real frames wait for the JIT compiler
            // (a first ping of 30-100 ms against 0.3 ms after). The run's output is discarded.
            var warmup = System.Diagnostics.Stopwatch.StartNew();
            ScenarioRun.Execute(spec with { UntilNs = Math.Min(spec.UntilNs, 1_000_000_000), Expectations = [] }, seed);
            var world = ScenarioWorld.Build(spec, seed);
            var loop = new RealTimeLoop(world.Network.Sim);
            var bridges = new List<LiveBridge>();
            try
            {
                foreach (var (option, a) in attachments)
                {
                    var eq = a.IndexOf('=');
                    var host = a[..eq];
                    var iface = a[(eq + 1)..];
                    var port = world.ExternalPorts[host];
                    LiveBridge bridge;
                    try
                    {
                        ILiveLink link = option == "--tap" ? new TapLink(iface) : new PcapLink(iface);
                        if (option == "--tap" && p.GetValue(configure)) TapSetup.Configure(iface, spec.Hosts.First(h => h.Name == host));
                        bridge = new LiveBridge(world.Network, $"live-{host}", link, loop);
                    }
                    catch (InvalidOperationException ex) { throw new UsageException(ex.Message); }
                    bridges.Add(bridge);
                    world.Network.Connect(port, bridge.Port, new LinkOptions(LatencyNs: 0, BitsPerSecond: 0));
                    output.WriteLine($"*** {host} ({port}) <-> {iface}" + (option == "--tap" ? " (TAP)" : ""));
                }
                output.WriteLine($"*** warmed up in {warmup.ElapsedMilliseconds} ms");
                // A scrape runs on the simulation thread between events (posted like a captured
                // frame), so it reads the counters as of the wall-clock instant it arrives.
                var metrics = RunMetrics.OnDemand(world, () => ServedMetrics.VirtualTime(world.Network.Sim.Now) + ServedMetrics.LiveBridges(bridges, loop.MaxLagNs));
                using var endpoint = MetricsListenOption.Start(p, metricsListen, async token =>
                {
                    var done = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
                    loop.Post(() =>
                    {
                        try { done.TrySetResult(metrics.Exposition()); }
                        catch (Exception e) { done.TrySetException(e); }
                    });
                    return await done.Task.WaitAsync(TimeSpan.FromSeconds(5), token);
                });
                if (endpoint is not null) output.WriteLine($"*** metrics on {endpoint.Url}");
                output.WriteLine("*** running in real time" + (untilNs == long.MaxValue ? "; Ctrl-C or SIGTERM stops" : $" for {ScalarValues.FormatDuration(untilNs)}"));
                output.Flush();
                // Ctrl-C or SIGTERM (what scripts and service managers send) ends the run normally,
                // so the bridges' counters below are always printed.
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
                using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
                using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
                loop.Run(untilNs == long.MaxValue ? long.MaxValue : world.Network.Sim.Now + untilNs, stop.Token);
                endpoint?.Dispose();   // nothing runs posted scrapes any more
                // Closing first makes the figures final: frames still in the capture ring are counted too.
                foreach (var b in bridges) b.Dispose();
                foreach (var b in bridges) output.WriteLine($"*** {b.Name}: {b.Counters()}");
                output.WriteLine($"*** max lag behind the wall clock: {ScalarValues.FormatDuration(loop.MaxLagNs)}");
                return ExitCodes.Ok;
            }
            finally
            {
                foreach (var b in bridges) b.Dispose();
            }
        }));
        return command;
    }
}
