using MeshSim.Control.Checking;
using MeshSim.Control.P4;
using MeshSim.Control.Compiler;
using MeshSim.Control.Registry;
using MeshSim.Control.Topology;
using MeshSim.Engine;
using MeshSim.Ovs.Switch;
using MeshSim.P4.Loading;
using MeshSim.P4.Model;
using MeshSim.P4.Programs;
using MeshSim.P4.Simulation;
using MeshSim.Stack;

namespace MeshSim.Control.Simulation;

/// <summary>Which switch model a <see cref="MeshFabric"/> is built from.</summary>
public enum SwitchKind : byte
{
    /// <summary>OpenFlow switches running <see cref="MeshCompiler"/>'s rule sets.</summary>
    Ovs,
    /// <summary>P4 switches running the mesh program (p4/mesh.p4) with <see cref="P4MeshCompiler"/>'s entries.</summary>
    P4,
}

/// <summary>
/// A topology made real in the simulator with one kind of switch, each loaded with what the
/// controller compiled for it, and one simulated host per topology host. Both kinds see the same
/// hosts, links and bindings, so a workload can be run on either and the outcomes compared.
/// </summary>
public sealed class MeshFabric
{
    private static readonly Lazy<string> MeshJson = new(MeshProgram.Json);

    private MeshFabric(Network network, SwitchKind kind, IReadOnlyList<PairBinding> pairs)
    {
        Network = network;
        Kind = kind;
        Pairs = pairs;
    }

    /// <summary>The simulated network.</summary>
    public Network Network { get; }
    /// <summary>The switch model.</summary>
    public SwitchKind Kind { get; }
    /// <summary>The (host, bind port) bindings the controller resolved, in host then port order.</summary>
    public IReadOnlyList<PairBinding> Pairs { get; }
    /// <summary>Hosts by topology name.</summary>
    public IReadOnlyDictionary<string, Host> Hosts => _hosts;
    /// <summary>OpenFlow switches by name (empty for <see cref="SwitchKind.P4"/>).</summary>
    public IReadOnlyDictionary<string, OpenFlowSwitch> OvsSwitches => _ovs;
    /// <summary>P4 switches by name (empty for <see cref="SwitchKind.Ovs"/>).</summary>
    public IReadOnlyDictionary<string, P4Switch> P4Switches => _p4;
    /// <summary>The OpenFlow target's output (null for <see cref="SwitchKind.P4"/>).</summary>
    public CompileResult? OvsCompiled { get; private set; }
    /// <summary>The P4 target's output (null for <see cref="SwitchKind.Ovs"/>).</summary>
    public P4CompileResult? P4Compiled { get; private set; }

    private readonly Dictionary<string, Host> _hosts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OpenFlowSwitch> _ovs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, P4Switch> _p4 = new(StringComparer.Ordinal);

    /// <summary>Compiles <paramref name="registry"/> for <paramref name="kind"/>, builds switches, links and hosts.</summary>
    /// <exception cref="RegistryException">The registry and topology disagree, or the target cannot express them.</exception>
    public static MeshFabric Build(SwitchKind kind, ServiceRegistry registry, NetworkTopology topology, MeshOptions options, ulong seed = 1)
    {
        var net = new Network(seed);
        Func<string, uint, Port> switchPort;
        MeshFabric fabric;
        if (kind == SwitchKind.Ovs)
        {
            var compiled = MeshCompiler.Compile(registry, topology, options);
            fabric = new MeshFabric(net, kind, compiled.Pairs) { OvsCompiled = compiled };
            foreach (var s in topology.Switches)
            {
                var sw = new OpenFlowSwitch(net, s.Name);
                SimulatorSink.Install(compiled.For(s.Name), sw.Bridge);
                fabric._ovs[s.Name] = sw;
            }
            switchPort = (name, port) => fabric._ovs[name].AddSwitchPort(port);
        }
        else
        {
            var compiled = P4MeshCompiler.Compile(registry, topology, options);
            fabric = new MeshFabric(net, kind, compiled.Pairs) { P4Compiled = compiled };
            foreach (var s in topology.Switches)
            {
                var entries = compiled.For(s.Name);
                var sw = new P4Switch(net, s.Name, LoadMeshProgram(), 0);
                Install(sw, entries);
                fabric._p4[s.Name] = sw;
            }
            switchPort = (name, port) => fabric._p4[name].AddPort(compiled.For(name).Ports[port]);
        }
        foreach (var l in topology.Links)
            net.Connect(switchPort(l.SwitchA, l.PortA), switchPort(l.SwitchB, l.PortB));
        int prefix = CommonPrefix(topology.Hosts.Select(h => h.Ip.Value).Append(options.VirtualIp.Value));
        foreach (var h in topology.Hosts)
        {
            var host = new Host(net, h.Name);
            host.AddInterface(h.Mac, h.Ip, prefix);
            if (options.Arp == ArpMode.Static) host.Interfaces[0].Arp.AddStatic(options.VirtualIp, options.VirtualMac);
            fabric._hosts[h.Name] = host;
            net.Connect(host.Ports[0], switchPort(h.Switch, h.Port));
        }
        return fabric;
    }

    /// <summary>A fresh instance of the mesh program (each switch has its own tables and registers).</summary>
    public static P4Program LoadMeshProgram()
    {
        var r = P4Loader.Load(MeshJson.Value);
        return r.Program ?? throw new InvalidOperationException($"the mesh program does not load: {r.Errors[0]}");
    }

    /// <summary>Runs <paramref name="entries"/> through the switch's simple_switch_CLI; the first failing command is an error naming its line.</summary>
    public static void Install(P4Switch sw, P4SwitchEntries entries) => Run(sw, entries.Commands);

    /// <summary>Runs <paramref name="commands"/> through the switch's simple_switch_CLI; the first failing command is an error naming its line.</summary>
    public static void Run(P4Switch sw, IReadOnlyList<string> commands)
    {
        for (int i = 0; i < commands.Count; i++)
        {
            var r = sw.Cli.Execute(commands[i]);
            if (!r.Ok) throw new InvalidOperationException($"{sw.Name} commands line {i + 1} '{commands[i]}': {r.Output}");
        }
    }

    /// <summary>
    /// Moves every switch to <paramref name="after"/>'s compilation: OpenFlow switches get the rule-set
    /// diff (as the live controller applies it), P4 switches <see cref="P4Reconcile.ReplaceAll"/> with
    /// backend ids kept. Throws <see cref="RegistryException"/> when the target cannot express <paramref name="after"/>.
    /// </summary>
    public void Update(ServiceRegistry after, NetworkTopology topology, MeshOptions options)
    {
        if (Kind == SwitchKind.Ovs)
        {
            var b = MeshCompiler.Compile(after, topology, options);
            foreach (var (x, y) in OvsCompiled!.RuleSets.Zip(b.RuleSets))
                SimulatorSink.Apply(Rules.RuleSetDiff.Compute(x, y), _ovs[x.Switch].Bridge);
            OvsCompiled = b;
            return;
        }
        var p = P4MeshCompiler.Compile(after, topology, options, P4Compiled);
        foreach (var s in topology.Switches)
            Run(_p4[s.Name], P4Reconcile.ReplaceAll(P4Compiled!.For(s.Name), p.For(s.Name)));
        P4Compiled = p;
    }

    private static int CommonPrefix(IEnumerable<uint> addresses)
    {
        uint and = uint.MaxValue, or = 0;
        foreach (var a in addresses) { and &= a; or |= a; }
        uint differ = and ^ or;
        return Math.Min(differ == 0 ? 32 : System.Numerics.BitOperations.LeadingZeroCount(differ), 30);
    }
}
