using MeshSim.Cli.Run;
using MeshSim.Cli.Scenario;
using MeshSim.Ovs.Switch;
using MeshSim.Stack;
using MeshSim.Stack.Apps.Sidecar;
using Endpoint = MeshSim.Stack.Apps.HashiCups.Endpoint;

namespace MeshSim.Cli.Experiment;

/// <summary>
/// One layout built as one of the two meshes. The switch mesh is the scenario exactly as
/// <c>meshsim run</c> builds it (compiled OVS rules, apps dialling the virtual IP). The sidecar mesh
/// is the same hosts, links, services and placement, but the switches only forward (NORMAL, as a
/// plain cloud network does), every host gets a loopback device, every service instance gets a
/// <see cref="SidecarProxy"/>, and apps dial their upstreams over loopback (127.0.0.2) at the same bind ports
/// (Consul Connect's explicit upstreams).
/// </summary>
public sealed class MeshWorld
{
    private MeshWorld(ScenarioWorld world, MeshKind kind, IReadOnlyList<SidecarProxy> proxies)
    {
        World = world; Kind = kind; Proxies = proxies;
    }

    /// <summary>The built scenario.</summary>
    public ScenarioWorld World { get; }
    /// <summary>Which mesh this is.</summary>
    public MeshKind Kind { get; }
    /// <summary>The sidecars (empty for the switch mesh), in service then instance order.</summary>
    public IReadOnlyList<SidecarProxy> Proxies { get; }

    /// <summary>Builds <paramref name="scenario"/> as the switch mesh.</summary>
    public static MeshWorld BuildSwitch(ScenarioSpec scenario, SwitchMeshSpec mesh, ulong seed)
    {
        var world = ScenarioWorld.Build(scenario, seed);
        AddSwitchCost(world, mesh.PerPacketNs);
        return new MeshWorld(world, MeshKind.Switch, []);
    }

    /// <summary>Builds <paramref name="scenario"/> as the sidecar mesh.</summary>
    /// <exception cref="ScenarioException">The scenario uses something the sidecar model does not do (deny intentions) or its ports collide.</exception>
    public static MeshWorld BuildSidecar(ScenarioSpec scenario, SidecarMeshSpec mesh, ulong seed)
    {
        if (scenario.Intentions.Default != "allow" || scenario.Intentions.Rules.Count > 0)
            throw new ScenarioException(scenario.SourcePath, scenario.Intentions.Rules.FirstOrDefault()?.At ?? new Position(1, 1, "intentions"),
                "the sidecar mesh model does not enforce intentions; use default: allow and no rules in experiment layouts");
        var spec = scenario with
        {
            Mesh = scenario.Mesh with { VirtualIp = Loopback.PeerAddress },
            Switches = scenario.Switches.Select(s => s with { FlowsFile = mesh.FabricFlowsFile, GroupsFile = null }).ToList(),
        };
        var world = ScenarioWorld.Build(spec, seed);
        AddSwitchCost(world, mesh.PerPacketNs);
        foreach (var host in world.Hosts.Values) Loopback.Attach(host, mesh.Costs.LoopbackLatencyNs);

        // Pass 1: a proxy and an inbound port per instance (21000, 21001, ... per host, as Consul assigns them).
        var inbound = new Dictionary<(string Service, int Instance), (Host Host, ushort Port, SidecarProxy Proxy)>();
        var nextPort = new Dictionary<string, ushort>(StringComparer.Ordinal);
        var proxies = new List<SidecarProxy>();
        foreach (var svc in spec.Services)
            for (int i = 0; i < svc.Instances.Count; i++)
            {
                var inst = svc.Instances[i];
                var host = world.Hosts[inst.Host];
                ushort port = nextPort.GetValueOrDefault(inst.Host, mesh.FirstInboundPort);
                nextPort[inst.Host] = (ushort)(port + 1);
                var proxy = new SidecarProxy(host, svc.Name, mesh.Costs);
                Listen(spec, inst.At, () => proxy.ListenInbound(port, inst.Port), $"inbound listener {port} of {svc.Name}'s sidecar");
                inbound[(svc.Name, i)] = (host, port, proxy);
                proxies.Add(proxy);
            }
        // Pass 2: each instance's proxy listens on its service's upstream bind ports.
        var byName = spec.Services.ToDictionary(s => s.Name, StringComparer.Ordinal);
        foreach (var svc in spec.Services)
            for (int i = 0; i < svc.Instances.Count; i++)
            {
                var proxy = inbound[(svc.Name, i)].Proxy;
                foreach (var (upstream, bindPort) in svc.Upstreams.OrderBy(u => u.Key, StringComparer.Ordinal))
                {
                    var up = byName[upstream];
                    var targets = Enumerable.Range(0, up.Instances.Count)
                        .Where(j => up.Instances[j].Healthy)
                        .Select(j => new Endpoint(inbound[(upstream, j)].Host.Address, inbound[(upstream, j)].Port))
                        .ToList();
                    if (targets.Count == 0) throw new ScenarioException(spec.SourcePath, up.At, $"upstream '{upstream}' of '{svc.Name}' has no healthy instance");
                    Listen(spec, svc.Instances[i].At, () => proxy.AddUpstream(bindPort, targets, upstream), $"upstream bind port {bindPort} ({svc.Name} -> {upstream})");
                }
            }
        return new MeshWorld(world, MeshKind.Sidecar, proxies);
    }

    private static void Listen(ScenarioSpec spec, Position at, Action listen, string what)
    {
        try { listen(); }
        catch (InvalidOperationException e)
        {
            throw new ScenarioException(spec.SourcePath, at, $"{what}: {e.Message} (in the sidecar model all pods on a host share its ports; give each a distinct port)");
        }
    }

    /// <summary>
    /// A switch's per-packet processing as latency: half on each link end at a switch, so a packet
    /// crossing k switches gains k times the cost. It delays but does not queue (the switch is not a
    /// CPU in this model); the doc says what that leaves out.
    /// </summary>
    private static void AddSwitchCost(ScenarioWorld world, long perPacketNs)
    {
        if (perPacketNs == 0) return;
        foreach (var link in world.Network.Links)
        {
            int ends = (link.A.Owner is OpenFlowSwitch ? 1 : 0) + (link.B.Owner is OpenFlowSwitch ? 1 : 0);
            if (ends > 0) link.Options = link.Options with { LatencyNs = link.Options.LatencyNs + ends * perPacketNs / 2 };
        }
    }

    /// <summary>Where <paramref name="test"/>'s fortio runs and what it dials.</summary>
    public (Host Host, Endpoint Target) LoadTarget(LoadTestSpec test)
    {
        var client = World.Spec.Services.First(s => s.Name == test.From);
        return (World.SourceHost(test.From, test.At), World.UpstreamEndpoint(client, test.Upstream));
    }
}
