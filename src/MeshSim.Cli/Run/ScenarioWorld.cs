using MeshSim.Cli.Scenario;
using MeshSim.Control.Compiler;
using MeshSim.Engine;
using MeshSim.Ovs;
using MeshSim.Ovs.Switch;
using MeshSim.Stack;
using MeshSim.Stack.Apps.HashiCups;
using MeshSim.Stack.Apps.Http;
using MeshSim.Stack.Async;
using MeshSim.Wire;
using Endpoint = MeshSim.Stack.Apps.HashiCups.Endpoint;

namespace MeshSim.Cli.Run;

/// <summary>
/// A scenario made real: the network with its hosts, switches and links; the controller's compiled
/// rules (or the scenario's hand-written flow files) installed on every switch; and every service
/// instance's app listening on its host. What a switch runs is exactly what <c>meshsim compile</c>
/// writes for a real Open vSwitch.
/// </summary>
public sealed class ScenarioWorld
{
    private ScenarioWorld(ScenarioSpec spec, Network network)
    {
        Spec = spec;
        Network = network;
    }

    /// <summary>The scenario this world was built from.</summary>
    public ScenarioSpec Spec { get; }
    /// <summary>The simulated network.</summary>
    public Network Network { get; }
    /// <summary>Hosts by name, in scenario order.</summary>
    public IReadOnlyDictionary<string, Host> Hosts => _hosts;
    /// <summary>Switches by name, in scenario order.</summary>
    public IReadOnlyDictionary<string, OpenFlowSwitch> Switches => _switches;
    /// <summary>The controller's output for this scenario.</summary>
    public CompileResult Compiled { get; private set; } = null!;

    private readonly Dictionary<string, Host> _hosts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OpenFlowSwitch> _switches = new(StringComparer.Ordinal);

    /// <summary>Builds the world; <paramref name="seed"/> overrides the scenario's.</summary>
    /// <exception cref="ScenarioException">The scenario and the controller disagree (bad rule file, conflicting bindings).</exception>
    public static ScenarioWorld Build(ScenarioSpec spec, ulong? seed = null)
    {
        var world = new ScenarioWorld(spec, new Network(seed ?? spec.Seed));
        world.BuildTopology();
        world.InstallRules();
        world.StartApps();
        return world;
    }

    private void BuildTopology()
    {
        foreach (var h in Spec.Hosts.Where(h => !h.External))
            _hosts[h.Name] = new Host(Network, h.Name, new HostOptions { Cores = h.Cores });
        foreach (var s in Spec.Switches)
        {
            if (s.Kind != "ovs") throw new ScenarioException(Spec.SourcePath, s.At, $"switch kind '{s.Kind}' cannot run scenarios yet; use kind: ovs");
            _switches[s.Name] = new OpenFlowSwitch(Network, s.Name);
        }
        var hostSpecs = Spec.Hosts.ToDictionary(h => h.Name, StringComparer.Ordinal);
        foreach (var (link, pa, pb) in ScenarioModels.NumberPorts(Spec))
        {
            if (External(link.A.Node, link.B.Node, pb) || External(link.B.Node, link.A.Node, pa)) continue;
            var a = PortFor(link.A.Node, pa, hostSpecs);
            var b = PortFor(link.B.Node, pb, hostSpecs);
            Network.Connect(a, b, new LinkOptions(link.LatencyNs, link.BitsPerSecond, link.QueueFrames, link.Loss));
        }
        if (Spec.Mesh.Arp == "static")
            foreach (var host in _hosts.Values)
                foreach (var iface in host.Interfaces)
                    iface.Arp.AddStatic(Spec.Mesh.VirtualIp, Spec.Mesh.VirtualMac);
    }

    /// <summary>Switch ports whose host is external (not simulated), by host name: where `emulate` attaches real interfaces.</summary>
    public IReadOnlyDictionary<string, Port> ExternalPorts => _external;
    private readonly Dictionary<string, Port> _external = new(StringComparer.Ordinal);

    private bool External(string hostName, string switchName, uint switchPort)
    {
        if (!Spec.Hosts.Any(h => h.Name == hostName && h.External)) return false;
        _external[hostName] = _switches[switchName].AddSwitchPort(switchPort);
        return true;
    }

    private Port PortFor(string node, uint number, Dictionary<string, HostSpec> hostSpecs)
    {
        if (_switches.TryGetValue(node, out var sw)) return sw.AddSwitchPort(number);
        var h = hostSpecs[node];
        var host = _hosts[node];
        if (host.Interfaces.Count > 0) throw new ScenarioException(Spec.SourcePath, h.At, $"host '{node}' has more than one link; a host has one interface");
        return host.AddInterface(h.Mac, h.Ip, h.PrefixLength).Port;
    }

    private void InstallRules()
    {
        Compiled = MeshCompiler.Compile(ScenarioModels.Registry(Spec), ScenarioModels.Topology(Spec), ScenarioModels.Options(Spec));
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(Spec.SourcePath.StartsWith('<') ? "." : Spec.SourcePath))!;
        foreach (var s in Spec.Switches)
        {
            var bridge = _switches[s.Name].Bridge;
            if (s.FlowsFile is null)
            {
                var rules = Compiled.For(s.Name);
                foreach (var g in rules.Groups) bridge.AddGroup(g.Group);
                bridge.AddFlows(rules.Flows.Select(f => f.Flow));
                continue;
            }
            if (s.GroupsFile is not null)
                foreach (var g in ReadRules(Path.Combine(baseDir, s.GroupsFile), s, OvsRuleFile.ParseGroups)) bridge.AddGroup(g);
            bridge.AddFlows(ReadRules(Path.Combine(baseDir, s.FlowsFile), s, OvsRuleFile.ParseFlows));
        }
    }

    private IEnumerable<T> ReadRules<T>(string path, SwitchSpec s, Func<string, RuleFileResult<T>> parse)
    {
        if (!File.Exists(path)) throw new ScenarioException(Spec.SourcePath, s.At, $"rule file '{path}' does not exist");
        var result = parse(File.ReadAllText(path));
        if (!result.Ok) throw new ScenarioException(Spec.SourcePath, s.At, $"{path}:{result.Errors[0]}");
        return result.Entries.Select(e => e.Entry);
    }

    /// <summary>Where <paramref name="client"/> reaches <paramref name="upstream"/>: the virtual IP and the bind port.</summary>
    public Endpoint UpstreamEndpoint(ServiceSpec client, string upstream) => new(Spec.Mesh.VirtualIp, client.Upstreams[upstream]);

    private void StartApps()
    {
        var byName = Spec.Services.ToDictionary(s => s.Name, StringComparer.Ordinal);
        foreach (var svc in Spec.Services)
        {
            // Upstreams are found by what they are (their app kind), so a scenario may name services freely.
            Endpoint Needs(string kind)
            {
                var up = svc.Upstreams.Keys.FirstOrDefault(u => byName[u].App.Kind == kind)
                    ?? throw new ScenarioException(Spec.SourcePath, svc.At, $"a {svc.App.Kind} service needs an upstream whose app kind is {kind}");
                return UpstreamEndpoint(svc, up);
            }
            foreach (var inst in svc.Instances)
            {
                if (!_hosts.TryGetValue(inst.Host, out var host)) continue;   // runs on an external (real) host
                var model = new ServiceModel(inst.Port, svc.App.ServiceTimeNs, svc.App.ResponseBytes);
                _ = svc.App.Kind switch
                {
                    "frontend" => (object)HashiCupsServices.Frontend(host, model, Needs("public-api")),
                    "public-api" => HashiCupsServices.PublicApi(host, model, Needs("product-api"), Needs("payments-api")),
                    "product-api" => HashiCupsServices.ProductApi(host, model, Needs("postgres")),
                    "payments-api" => HashiCupsServices.PaymentsApi(host, model),
                    "postgres" => HashiCupsServices.Postgres(host, model),
                    _ => new HttpServer(host, inst.Port)
                        .Map("/", async _ => { await host.Cpu.RunAsync(model.ServiceTimeNs); return HttpResponse.Ok(model.ResponseBytes); })
                        .Start(),
                };
            }
        }
    }

    /// <summary>The host a traffic run or probe starts from: a host by name, or the first instance's host of a service.</summary>
    public Host SourceHost(string serviceOrHost)
    {
        if (_hosts.TryGetValue(serviceOrHost, out var h)) return h;
        var name = Spec.Services.FirstOrDefault(s => s.Name == serviceOrHost)?.Instances[0].Host ?? serviceOrHost;
        return _hosts.TryGetValue(name, out h) ? h
            : throw new ScenarioException(Spec.SourcePath, new Position(1, 1, ""), $"'{serviceOrHost}' runs on no simulated host (external hosts are real machines)");
    }

    /// <summary>Runs virtual time until <paramref name="task"/> completes (or <paramref name="limitNs"/> passes); true when it completed.</summary>
    public bool RunUntilDone(SimTask task, long limitNs)
    {
        var sim = Network.Sim;
        long deadline = sim.Now + limitNs;
        while (!task.IsCompleted && sim.Now < deadline && sim.NextEventTime is { } next)
            sim.RunUntil(Math.Min(deadline, Math.Max(next, sim.Now)));
        return task.IsCompleted;
    }
}
