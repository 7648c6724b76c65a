using System.Text;
using MeshSim.Control.Compiler;
using MeshSim.Control.Registry;
using MeshSim.Control.Topology;
using MeshSim.Engine;
using MeshSim.Ovs.Switch;
using MeshSim.Stack;
using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;
using MeshSim.Wire;

namespace MeshSim.Control.Checking;

/// <summary>What happened to one (host, bind port) binding in the simulator.</summary>
/// <param name="Pair">The binding.</param>
/// <param name="Established">The client's connect completed.</param>
/// <param name="AnsweredBy">Instance id that echoed the request, or null.</param>
/// <param name="ClientSawRemote">The remote address of the client's socket (must be the virtual IP).</param>
public sealed record PairOutcome(PairBinding Pair, bool Established, string? AnsweredBy, Ipv4Address? ClientSawRemote);

/// <summary>
/// Runs compiled rules in the simulator: one OpenFlow switch per topology switch loaded with its
/// rule set (the same objects <c>meshsim compile</c> writes), one simulated host per topology host,
/// a TCP echo server per service instance that answers with its instance id, and one client
/// connection per (host, bind port) binding to virtual-IP:port, all in virtual time.
/// </summary>
public static class SimulatedMesh
{
    /// <summary>Virtual time allowed for all connections (denied ones retry SYNs until then).</summary>
    public const long RunForNs = 3_000_000_000;

    /// <summary>Compiles, builds, runs and reports <paramref name="connectionsPerPair"/> outcomes per binding, in binding order.</summary>
    public static IReadOnlyList<PairOutcome> Run(ServiceRegistry registry, NetworkTopology topology, MeshOptions options, ulong seed = 1, int connectionsPerPair = 1)
    {
        var compiled = MeshCompiler.Compile(registry, topology, options);
        var net = new Network(seed);
        var switches = new Dictionary<string, OpenFlowSwitch>(StringComparer.Ordinal);
        foreach (var s in topology.Switches)
        {
            var sw = new OpenFlowSwitch(net, s.Name);
            switches[s.Name] = sw;
            var rs = compiled.For(s.Name);
            foreach (var g in rs.Groups) sw.Bridge.AddGroup(g.Group);
            sw.Bridge.AddFlows(rs.Flows.Select(f => f.Flow));
        }
        foreach (var l in topology.Links)
            net.Connect(switches[l.SwitchA].AddSwitchPort(l.PortA), switches[l.SwitchB].AddSwitchPort(l.PortB));
        var prefix = CommonPrefix(topology.Hosts.Select(h => h.Ip).Append(options.VirtualIp));
        var hosts = new Dictionary<string, Host>(StringComparer.Ordinal);
        foreach (var h in topology.Hosts)
        {
            var host = new Host(net, h.Name);
            host.AddInterface(h.Mac, h.Ip, prefix);
            hosts[h.Name] = host;
            net.Connect(host.Ports[0], switches[h.Switch].AddSwitchPort(h.Port));
        }

        foreach (var s in registry.Services)
            foreach (var i in s.Instances)
            {
                var listener = hosts[i.Node].Listen(i.Port);
                var id = Encoding.ASCII.GetBytes(i.Id);
                net.Sim.Spawn(async () =>
                {
                    while (true)
                    {
                        var conn = await listener.AcceptAsync();
                        net.Sim.Spawn(async () =>
                        {
                            var buf = new byte[64];
                            if (await conn.ReceiveAsync(buf) > 0) await conn.SendAsync(id);
                            conn.Close();
                        });
                    }
                });
            }

        var outcomes = new PairOutcome[compiled.Pairs.Count * connectionsPerPair];
        for (int k = 0; k < outcomes.Length; k++)
        {
            var p = compiled.Pairs[k / connectionsPerPair];
            int slot = k;
            outcomes[slot] = new PairOutcome(p, false, null, null);
            // Connections start 100 µs apart: a burst of hundreds of SYNs to one unresolved
            // neighbour would overflow the host's ARP hold queue, which is a host limit, not a mesh property.
            net.Sim.Schedule(k * 100_000L, () => net.Sim.Spawn(async () =>
            {
                TcpSocket c;
                try { c = await hosts[p.Host.Name].ConnectAsync(options.VirtualIp, p.Port); }
                catch (TcpException) { return; }
                outcomes[slot] = outcomes[slot] with { Established = true, ClientSawRemote = c.RemoteAddress };
                await c.SendAsync(Encoding.ASCII.GetBytes("hello"));
                var buf = new byte[64];
                var sb = new StringBuilder();
                int n;
                while ((n = await c.ReceiveAsync(buf)) > 0) sb.Append(Encoding.ASCII.GetString(buf, 0, n));
                outcomes[slot] = outcomes[slot] with { AnsweredBy = sb.ToString() };
                c.Close();
            }));
        }
        net.Sim.RunUntil(RunForNs);
        return outcomes;
    }

    /// <summary>
    /// Checks outcomes against the registry: an allowed pair with a healthy upstream instance is
    /// answered by one of those instances through the virtual IP; every other pair never connects.
    /// </summary>
    public static IReadOnlyList<CheckFailure> Check(ServiceRegistry registry, NetworkTopology topology, MeshOptions options, ulong seed = 1)
    {
        var failures = new List<CheckFailure>();
        foreach (var o in Run(registry, topology, options, seed))
        {
            var healthy = registry.Find(o.Pair.Destination)!.HealthyInstances.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
            if (o.Pair.Allowed && healthy.Count > 0)
            {
                if (!o.Established) failures.Add(new("allowed-connects", $"{o.Pair}: no handshake"));
                else if (o.ClientSawRemote != options.VirtualIp) failures.Add(new("virtual-ip-source", $"{o.Pair}: client talks to {o.ClientSawRemote}"));
                else if (o.AnsweredBy is null || !healthy.Contains(o.AnsweredBy)) failures.Add(new("answered-by-upstream", $"{o.Pair}: answered by '{o.AnsweredBy}'"));
            }
            else if (o.Established)
                failures.Add(new(o.Pair.Allowed ? "no-healthy-instance-refuses" : "denied-never-connects", $"{o.Pair}: connected, answered by '{o.AnsweredBy}'"));
        }
        return failures;
    }

    private static int CommonPrefix(IEnumerable<Ipv4Address> addresses)
    {
        uint and = uint.MaxValue, or = 0;
        foreach (var a in addresses) { and &= a.Value; or |= a.Value; }
        uint differ = and ^ or;
        int prefix = differ == 0 ? 32 : System.Numerics.BitOperations.LeadingZeroCount(differ);
        return Math.Min(prefix, 30);
    }
}
