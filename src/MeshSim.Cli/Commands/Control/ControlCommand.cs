using System.CommandLine;
using System.Reactive.Linq;
using System.Runtime.InteropServices;
using MeshSim.Cli.Scenario;
using MeshSim.Control.Live;
using MeshSim.Control.Metrics;
using MeshSim.Control.Registry;
using MeshSim.Control.Sources.Consul;

namespace MeshSim.Cli.Commands.Control;

/// <summary>
/// <c>meshsim control (--consul URL | --k8s FILE...) --push ovs[:PREFIX]|dry-run [-s SCENARIO] [--metrics-listen [ADDRESS:]PORT]</c>: the live
/// controller. The scenario gives the switch topology and mesh options; the registry comes from
/// Consul (watched with blocking queries until Ctrl-C) or from pod manifests (pushed once). Each
/// change is compiled, diffed against what every switch holds, and pushed as one atomic bundle.
/// </summary>
public static class ControlCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var o = new ScenarioOptions();
        var consul = new Option<string?>("--consul") { Description = "Consul agent URL, e.g. http://127.0.0.1:8500" };
        var token = new Option<string?>("--token") { Description = "Consul ACL token (sent as X-Consul-Token)" };
        var k8s = new Option<string[]>("--k8s") { Description = "pod manifests as `kubectl get pods -o yaml` prints them", AllowMultipleArgumentsPerToken = true };
        var push = new Option<string>("--push") { Description = "ovs (bridge = switch name), ovs:PREFIX (bridge = PREFIX+switch), or dry-run", DefaultValueFactory = _ => "dry-run" };
        var quiet = new Option<int>("--coalesce-ms") { Description = "push after the registry has been quiet this long", DefaultValueFactory = _ => 200 };
        var maxDelay = new Option<int>("--max-delay-ms") { Description = "but never later than this after the first change", DefaultValueFactory = _ => 2000 };
        var metricsListen = MetricsListenOption.Create();
        metricsListen.Description = metricsListen.Description!.Replace("while running", "while running (with --k8s: after the push, until Ctrl-C or SIGTERM)", StringComparison.Ordinal);
        var command = o.AddTo(new Command("control", "Run the controller against a live registry and push rules to switches") { consul, token, k8s, push, quiet, maxDelay, metricsListen });
        command.SetAction((ParseResult p, CancellationToken ct) => o.Invoke(p, "control", (spec, _, output) =>
        {
            var consulUrl = p.GetValue(consul);
            var files = p.GetValue(k8s) ?? [];
            if ((consulUrl is null) == (files.Length == 0)) throw new UsageException("give exactly one source: --consul URL or --k8s FILE...");
            var topology = ScenarioModels.Topology(spec);
            var sinks = Sinks(p.GetValue(push)!, topology.Switches.Select(s => s.Name), output);
            var loop = new ControlLoop(topology, ScenarioModels.Options(spec), sinks, e => output.WriteLine($"{e.At:HH:mm:ss.fff} {e.Kind,-8} {e.Message}"));
            using var endpoint = MetricsListenOption.Start(p, metricsListen, _ => Task.FromResult<string?>(ControlLoopMetrics.Render(loop.Snapshot())));
            if (endpoint is not null) { output.WriteLine($"*** metrics on {endpoint.Url}"); output.Flush(); }
            if (consulUrl is not null)
            {
                if (!Uri.TryCreate(consulUrl, UriKind.Absolute, out var uri)) throw new UsageException($"--consul: expected a URL such as http://127.0.0.1:8500, got '{consulUrl}'");
                var watcher = new ConsulWatcher(new ConsulClient(new HttpClient { Timeout = TimeSpan.FromMinutes(6) }, uri, p.GetValue(token)),
                    TimeSpan.FromMinutes(5), new Backoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30), new Random()));
                using var run = loop.Run([LiveSources.Consul(watcher, "consul")], TimeSpan.FromMilliseconds(p.GetValue(quiet)), TimeSpan.FromMilliseconds(p.GetValue(maxDelay)));
                WaitForStop(ct);
                return ExitCodes.Ok;
            }
            // Files are read once: handle the snapshot synchronously, no coalescing needed.
            foreach (var update in LiveSources.PodFiles(files).ToEnumerable())
            {
                if (update.Outage is not null) throw new UsageException(update.Outage);
                loop.Handle(update);
            }
            output.Flush();
            if (endpoint is not null) WaitForStop(ct);   // serve the pushed state until Ctrl-C or SIGTERM
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Blocks until Ctrl-C or SIGTERM (what service managers send), either of which ends the command normally.</summary>
    private static void WaitForStop(CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        stop.Token.WaitHandle.WaitOne();
    }

    private static List<ISwitchSink> Sinks(string push, IEnumerable<string> switches, TextWriter output) => push switch
    {
        "dry-run" => switches.Select(s => (ISwitchSink)new DryRunSink(s, output)).ToList(),
        "ovs" => switches.Select(s => (ISwitchSink)new OvsOfctlSink(s, s)).ToList(),
        _ when push.StartsWith("ovs:", StringComparison.Ordinal) => switches.Select(s => (ISwitchSink)new OvsOfctlSink(s, push[4..] + s)).ToList(),
        _ => throw new UsageException($"--push: expected ovs, ovs:PREFIX or dry-run, got '{push}'"),
    };
}
