using MeshSim.Control.Simulation;
using MeshSim.Cli.Commands;
using MeshSim.Cli.Scenario;
using MeshSim.Control.Compiler;
using MeshSim.Control.P4;
using MeshSim.Engine;
using MeshSim.Ovs;
using MeshSim.Ovs.Switch;
using MeshSim.P4.Loading;
using MeshSim.P4.Runtime;
using MeshSim.P4.Simulation;
using MeshSim.Stack;
using MeshSim.Stack.Apps.HashiCups;
using MeshSim.Stack.Apps.Http;
using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;
using MeshSim.Wire;
using Endpoint = MeshSim.Stack.Apps.HashiCups.Endpoint;

namespace MeshSim.Cli.Run;

/// <summary>
/// A scenario made real: the network with its hosts, switches and links; the controller's compiled
/// rules (or the scenario's hand-written flow files) installed on every switch; and every service
/// instance's app listening on its host. What an OVS switch runs is exactly what <c>meshsim compile</c>
/// writes for a real Open vSwitch; a P4 switch runs the mesh program (p4/mesh.json) with the P4
/// target's entries, or its own program with its own commands. The two kinds live in two maps
/// (<see cref="Switches"/>, <see cref="P4Switches"/>); commands that only make sense for one kind ask
/// for it through <see cref="RequireOvs"/> or <see cref="RequireP4"/>, which say clearly when it is the other.
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
    /// <summary>The OpenFlow (<c>kind: ovs</c>) switches by name, in scenario order.</summary>
    public IReadOnlyDictionary<string, OpenFlowSwitch> Switches => _switches;
    /// <summary>The P4 (<c>kind: p4</c>) switches by name, in scenario order.</summary>
    public IReadOnlyDictionary<string, P4Switch> P4Switches => _p4;
    /// <summary>Every switch's name, OVS and P4, in scenario order.</summary>
    public IEnumerable<string> SwitchNames => Spec.Switches.Select(s => s.Name);
    /// <summary>The OpenFlow target's output (null when no OVS switch runs compiled rules).</summary>
    public CompileResult? Compiled { get; private set; }
    /// <summary>The P4 target's output (null when no P4 switch runs the mesh program).</summary>
    public P4CompileResult? P4Compiled { get; private set; }

    private readonly Dictionary<string, Host> _hosts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OpenFlowSwitch> _switches = new(StringComparer.Ordinal);
    private readonly Dictionary<string, P4Switch> _p4 = new(StringComparer.Ordinal);

    /// <summary>Where P4 pipelines dropped packets (recorded only when the world has P4 switches).</summary>
    public P4DropLog P4Drops { get; } = new();

    /// <summary>The OVS switch <paramref name="name"/>, for OpenFlow-only commands (<paramref name="command"/> names the command in the message).</summary>
    /// <exception cref="UsageException">No such switch, or it is a P4 switch.</exception>
    public OpenFlowSwitch RequireOvs(string name, string command)
    {
        if (_switches.TryGetValue(name, out var sw)) return sw;
        if (_p4.TryGetValue(name, out var p4))
            throw new UsageException($"{name} is a P4 switch: it has tables, not OpenFlow flows, so {command} does not apply; in `meshsim lab`, `p4 {name} table_dump TABLE` shows a table's entries ({TableList(p4)})");
        throw NoSwitch(name);
    }

    /// <summary>The P4 switch <paramref name="name"/>.</summary>
    /// <exception cref="UsageException">No such switch, or it is an OVS switch.</exception>
    public P4Switch RequireP4(string name) =>
        _p4.TryGetValue(name, out var sw) ? sw
        : _switches.ContainsKey(name) ? throw new UsageException($"{name} is an OVS switch; simple_switch_CLI commands are for P4 switches (use dump-flows {name})")
        : throw NoSwitch(name);

    /// <summary>"tables: A, B" in name order, for messages that point at table_dump.</summary>
    public static string TableList(P4Switch sw) => "tables: " + string.Join(", ", sw.Program.Tables.Keys.Order(StringComparer.Ordinal));

    private UsageException NoSwitch(string name) =>
        new($"no switch named '{name}'" + (Usage.Suggestions.Closest(name, SwitchNames) is { } near ? $" (did you mean '{near}'?)" : $" (switches: {string.Join(", ", SwitchNames)})"));

    /// <summary>Builds the world; <paramref name="seed"/> overrides the scenario's.</summary>
    /// <exception cref="ScenarioException">The scenario and the controller disagree (bad rule file, conflicting bindings).</exception>
    public static ScenarioWorld Build(ScenarioSpec spec, ulong? seed = null)
    {
        var world = new ScenarioWorld(spec, new Network(seed ?? spec.Seed));
        if (spec.Tutorial is { } lab) TutorialWorld.Build(lab, spec, world.Network, world._hosts, world._p4);
        else
        {
            world.Compile();
            world.BuildTopology();
            world.InstallRules();
            world.StartApps();
        }
        if (world._p4.Count > 0) world.Network.AddObserver(world.P4Drops);
        return world;
    }

    /// <summary>Runs the controller for each target the scenario's switches need: OpenFlow rules for OVS
    /// switches without flow files, P4 entries for P4 switches without their own program.</summary>
    private void Compile()
    {
        var ovsCompiled = Spec.Switches.Where(s => s.Kind == "ovs" && s.FlowsFile is null).ToList();
        var p4Mesh = Spec.Switches.Where(s => s.RunsMeshProgram).ToList();
        if (ovsCompiled.Count > 0 && p4Mesh.Count > 0)
            throw new ScenarioException(Spec.SourcePath, p4Mesh[0].At,
                $"switch {p4Mesh[0].Name} runs the P4 mesh program and {ovsCompiled[0].Name} the OpenFlow mesh rules; one mesh speaks one switch kind (make them all ovs or all p4, or give the odd ones their own flows/program)");
        var registry = ScenarioModels.Registry(Spec);
        var topology = ScenarioModels.Topology(Spec);
        if (p4Mesh.Count > 0) P4Compiled = P4MeshCompiler.Compile(registry, topology, ScenarioModels.Options(Spec));
        else Compiled = MeshCompiler.Compile(registry, topology, ScenarioModels.Options(Spec));
    }

    private void BuildTopology()
    {
        foreach (var h in Spec.Hosts.Where(h => !h.External))
            _hosts[h.Name] = new Host(Network, h.Name, new HostOptions { Cores = h.Cores, Tcp = new TcpConfig { PortChoice = h.Ports } });
        foreach (var s in Spec.Switches)
        {
            if (s.Kind == "ovs") _switches[s.Name] = new OpenFlowSwitch(Network, s.Name);
            else _p4[s.Name] = new P4Switch(Network, s.Name, s.ProgramFile is null ? MeshFabric.LoadMeshProgram() : LoadProgram(s), ports: 0);
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
        _external[hostName] = SwitchPort(switchName, switchPort);
        return true;
    }

    /// <summary>Adds port <paramref name="number"/> (the scenario's numbering) to a switch. A P4 switch running
    /// the mesh program numbers its ports as the P4 target does (<see cref="P4PortMap"/>: 9-bit port numbers).</summary>
    private Port SwitchPort(string name, uint number)
    {
        if (_switches.TryGetValue(name, out var sw)) return sw.AddSwitchPort(number);
        var p4 = _p4[name];
        var spec = Spec.Switches.First(s => s.Name == name);
        if (spec.RunsMeshProgram) return p4.AddPort(P4Compiled!.For(name).Ports[number]);
        if (number > P4PortMap.MaxPort)
            throw new ScenarioException(Spec.SourcePath, spec.At, $"switch {name}: port {number} does not fit a P4 port number (1..{P4PortMap.MaxPort}; 511 is the drop port)");
        return p4.AddPort(number);
    }

    private Port PortFor(string node, uint number, Dictionary<string, HostSpec> hostSpecs)
    {
        if (_switches.ContainsKey(node) || _p4.ContainsKey(node)) return SwitchPort(node, number);
        var h = hostSpecs[node];
        var host = _hosts[node];
        if (host.Interfaces.Count > 0) throw new ScenarioException(Spec.SourcePath, h.At, $"host '{node}' has more than one link; a host has one interface");
        return host.AddInterface(h.Mac, h.Ip, h.PrefixLength).Port;
    }

    /// <summary>A file the scenario names, as a path relative to where the scenario was named from (as messages show it).</summary>
    private string Shown(string file) => Path.IsPathRooted(file) || Spec.SourcePath.StartsWith('<') ? Path.Combine(BaseDir, file) : Path.Combine(Path.GetDirectoryName(Spec.SourcePath) ?? "", file);

    private string BaseDir => Path.GetDirectoryName(Path.GetFullPath(Spec.SourcePath.StartsWith('<') ? "." : Spec.SourcePath))!;

    private MeshSim.P4.Model.P4Program LoadProgram(SwitchSpec s)
    {
        var path = Path.Combine(BaseDir, s.ProgramFile!);
        if (!File.Exists(path)) throw new ScenarioException(Spec.SourcePath, s.At, $"program file '{path}' does not exist");
        var load = P4Loader.LoadFile(path);
        // The problem is in the program file, so that is where the error points (the scenario only names the file).
        return load.Success ? load.Program!
            : throw TutorialProblems.ToException(Shown(s.ProgramFile!), [.. load.Errors.Take(1).Select(e => new LabProblem(null, e.Line > 0 ? "" : e.JsonPath,
                e.Snippet is null ? e.Message : $"{e.Message} (in {e.Snippet})", Line: e.Line, Column: e.Column))]);
    }

    /// <summary>
    /// A new instance of P4 switch <paramref name="name"/> in a network of its own, with the same program and
    /// the same entries installed but none of the live switch's state (registers, counters, meters): what
    /// <c>trace</c> runs a packet through, so that tracing changes nothing in the world.
    /// </summary>
    /// <exception cref="UsageException">No such P4 switch, or the scenario is a P4 tutorials lab.</exception>
    public P4Switch FreshCopy(string name)
    {
        RequireP4(name);
        if (Spec.Tutorial is not null)
            throw new UsageException($"trace does not copy the switches of a P4 tutorials lab; run the packet through the program with `meshsim p4 run PROGRAM.json --commands FILE --port N --packet HEX --trace`");
        var s = Spec.Switches.First(x => x.Name == name);
        var copy = new P4Switch(new Network(Network.Sim.Seed), name, s.ProgramFile is null ? MeshFabric.LoadMeshProgram() : LoadProgram(s), ports: 0);
        InstallP4(s, copy);
        return copy;
    }

    private void InstallP4(SwitchSpec s, P4Switch sw)
    {
        if (s.RunsMeshProgram)
        {
            try { MeshFabric.Install(sw, P4Compiled!.For(s.Name)); }
            catch (InvalidOperationException ex) { throw new ScenarioException(Spec.SourcePath, s.At, ex.Message); }
            return;
        }
        if (s.RuntimeFile is { } runtime)
        {
            var path = Path.Combine(BaseDir, runtime);
            if (!File.Exists(path)) throw new ScenarioException(Spec.SourcePath, s.At, $"runtime file '{path}' does not exist");
            var problems = RuntimeJson.ApplyChecked(sw.Program, File.ReadAllText(path));
            // The problem is in the runtime file, so that is where the error points (the scenario only names the file).
            if (problems.Count > 0)
                throw TutorialProblems.ToException(Shown(runtime), problems.Select(p => new LabProblem(null, p.Path, p.Message, p.Field, p.Line, p.Column)).ToList());
        }
        if (s.CommandsFile is { } commands)
        {
            var path = Path.Combine(BaseDir, commands);
            if (!File.Exists(path)) throw new ScenarioException(Spec.SourcePath, s.At, $"commands file '{path}' does not exist");
            var (_, failures) = sw.Cli.RunScript(File.ReadAllText(path));
            if (failures.Count > 0) throw new ScenarioException(Spec.SourcePath, s.At, $"{commands}:{failures[0].Line}: {failures[0].Message.Split('\n')[^1]}");
        }
    }

    private void InstallRules()
    {
        var baseDir = BaseDir;
        foreach (var s in Spec.Switches)
        {
            if (s.Kind == "p4") { InstallP4(s, _p4[s.Name]); continue; }
            var bridge = _switches[s.Name].Bridge;
            if (s.FlowsFile is null)
            {
                var rules = Compiled!.For(s.Name);
                foreach (var g in rules.Groups) bridge.AddGroup(g.Group);
                foreach (var f in rules.Flows)
                    if (OvsRuleFile.MissingGroup(f.Flow, id => bridge.FindGroup(id) is not null) is { } missing)
                        throw new ScenarioException(Spec.SourcePath, s.At, $"compiled rules for {s.Name}: {missing}");
                bridge.AddFlows(rules.Flows.Select(f => f.Flow));
                continue;
            }
            if (s.GroupsFile is not null)
                foreach (var g in ReadRules(Path.Combine(baseDir, s.GroupsFile), s, OvsRuleFile.ParseGroups).Select(e => e.Entry)) bridge.AddGroup(g);
            // As on a real switch, a flow may only name groups that exist (OFPBAC_BAD_OUT_GROUP).
            var flowsPath = Path.Combine(baseDir, s.FlowsFile);
            var flows = ReadRules(flowsPath, s, OvsRuleFile.ParseFlows);
            foreach (var f in flows)
                if (OvsRuleFile.MissingGroup(f.Entry, id => bridge.FindGroup(id) is not null) is { } missing)
                    throw new ScenarioException(Spec.SourcePath, s.At, $"{flowsPath}:{new OvsSyntaxError(f.Line, 1, missing)}");
            bridge.AddFlows(flows.Select(e => e.Entry));
        }
    }

    private IReadOnlyList<SourcedEntry<T>> ReadRules<T>(string path, SwitchSpec s, Func<string, RuleFileResult<T>> parse)
    {
        if (!File.Exists(path)) throw new ScenarioException(Spec.SourcePath, s.At, $"rule file '{path}' does not exist");
        var result = parse(File.ReadAllText(path));
        if (!result.Ok) throw new ScenarioException(Spec.SourcePath, s.At, $"{path}:{result.Errors[0]}");
        return result.Entries;
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
    /// <param name="serviceOrHost">The name.</param>
    /// <param name="at">Where the scenario names it; null when it came from the command line.</param>
    /// <exception cref="ScenarioException">The name (written at <paramref name="at"/>) runs on no simulated host.</exception>
    /// <exception cref="Commands.UsageException">The same, for a name given on the command line.</exception>
    public Host SourceHost(string serviceOrHost, Position? at = null)
    {
        if (_hosts.TryGetValue(serviceOrHost, out var h)) return h;
        var name = Spec.Services.FirstOrDefault(s => s.Name == serviceOrHost)?.Instances[0].Host ?? serviceOrHost;
        if (_hosts.TryGetValue(name, out h)) return h;
        var message = $"'{serviceOrHost}' runs on no simulated host (external hosts are real machines)";
        throw at is { } p ? new ScenarioException(Spec.SourcePath, p, message) : new Commands.UsageException(message);
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
