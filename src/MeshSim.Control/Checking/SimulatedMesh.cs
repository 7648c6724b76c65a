using System.Text;
using MeshSim.Control.Compiler;
using MeshSim.Control.Registry;
using MeshSim.Control.Rules;
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
        var (net, _, hosts) = Build(compiled, topology, options, seed);
        StartEchoServers(registry, hosts, net);

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
                outcomes[slot] = outcomes[slot] with { AnsweredBy = await Ask(c) };
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

    /// <summary>Sends one request and reads the one-segment answer (an instance id); null when the peer closed.</summary>
    private static async SimTask<string?> Ask(TcpSocket c)
    {
        await c.SendAsync(Encoding.ASCII.GetBytes("hello"));
        var buf = new byte[64];
        int n = await c.ReceiveAsync(buf);
        return n > 0 ? Encoding.ASCII.GetString(buf, 0, n) : null;
    }

    /// <summary>
    /// Changes the registry under load: every allowed binding opens a connection and asks once; at
    /// 500 ms the switches get the diff from the old to the new rules; at 1 s each open connection
    /// asks again and every binding of the new registry opens a fresh connection. Fails when an
    /// open connection to an instance still registered stops answering or is answered by another
    /// instance, when any answer comes from outside the pair's destination service, or when fresh
    /// connections disagree with the new registry (allowed and healthy: answered; else refused).
    /// </summary>
    public static IReadOnlyList<CheckFailure> CheckUpdate(ServiceRegistry before, ServiceRegistry after, NetworkTopology topology, MeshOptions options, ulong seed = 1)
    {
        var a = MeshCompiler.Compile(before, topology, options);
        var b = MeshCompiler.Compile(after, topology, options);
        var (net, switches, hosts) = Build(a, topology, options, seed);
        var all = new ServiceRegistry(before.Services.Select(s => s with
        {
            Instances = s.Instances.Concat(after.Find(s.Name)?.Instances.Where(i => !s.Instances.Any(x => x.Id == i.Id)) ?? []).ToArray(),
        }), before.Policy);
        StartEchoServers(all, hosts, net);   // servers of both registries listen all along
        var failures = new List<CheckFailure>();
        var serviceOf = all.Services.SelectMany(s => s.Instances.Select(i => (i.Id, s.Name))).ToDictionary(x => x.Id, x => x.Name);
        bool StillThere(string id) => after.Services.Any(s => s.Instances.Any(i => i.Id == id)) &&
            before.Services.SelectMany(s => s.Instances).First(i => i.Id == id) is var old &&
            after.Services.SelectMany(s => s.Instances).First(i => i.Id == id) is var now && old.Address == now.Address && old.Port == now.Port;

        for (int k = 0; k < a.Pairs.Count; k++)
        {
            var p = a.Pairs[k];
            net.Sim.Schedule(k * 100_000L, () => net.Sim.Spawn(async () =>
            {
                TcpSocket c;
                try { c = await hosts[p.Host.Name].ConnectAsync(options.VirtualIp, p.Port); }
                catch (TcpException) { return; }
                var first = await Ask(c);
                if (first is null || serviceOf.GetValueOrDefault(first) != p.Destination)
                {
                    failures.Add(new("wrong-host", $"before the update, {p} was answered by '{first}'"));
                    return;
                }
                // Only connections answered before the update are "established under load"; a pair
                // whose SYN was dropped until the update (denied before) is a fresh connection.
                if (net.Sim.Now >= 500_000_000) { c.Close(); return; }
                await net.Sim.Delay(1_000_000_000 - net.Sim.Now);
                string? second;
                try { second = await Ask(c); }
                catch (TcpException e) { second = null; if (StillThere(first)) failures.Add(new("established-survives", $"{p}: connection to {first} failed after the update: {e.Message}")); return; }
                if (second is not null && second != first)
                    failures.Add(new("wrong-host", $"{p}: connection to {first} answered by {second} after the update"));
                else if (second is null && StillThere(first))
                    failures.Add(new("established-survives", $"{p}: connection to {first} closed after the update"));
                c.Close();
            }));
        }
        net.Sim.Schedule(500_000_000, () =>
        {
            foreach (var (x, y) in a.RuleSets.Zip(b.RuleSets))
                SimulatorSink.Apply(RuleSetDiff.Compute(x, y), switches[x.Switch].Bridge);
        });
        for (int k = 0; k < b.Pairs.Count; k++)
        {
            var p = b.Pairs[k];
            var healthy = after.Find(p.Destination)!.HealthyInstances.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
            net.Sim.Schedule(1_000_000_000 + k * 100_000L, () => net.Sim.Spawn(async () =>
            {
                TcpSocket c;
                try { c = await hosts[p.Host.Name].ConnectAsync(options.VirtualIp, p.Port); }
                catch (TcpException)
                {
                    if (p.Allowed && healthy.Count > 0) failures.Add(new("allowed-connects", $"after the update, {p}: no handshake"));
                    return;
                }
                var answer = await Ask(c);
                if (!p.Allowed || healthy.Count == 0) failures.Add(new("denied-never-connects", $"after the update, {p}: connected, answered by '{answer}'"));
                else if (answer is null || !healthy.Contains(answer)) failures.Add(new("wrong-host", $"after the update, {p}: answered by '{answer}'"));
                c.Close();
            }));
        }
        net.Sim.RunUntil(1_000_000_000 + RunForNs);
        return failures;
    }

    private static (Network Net, Dictionary<string, OpenFlowSwitch> Switches, Dictionary<string, Host> Hosts) Build(
        CompileResult compiled, NetworkTopology topology, MeshOptions options, ulong seed)
    {
        var net = new Network(seed);
        var switches = new Dictionary<string, OpenFlowSwitch>(StringComparer.Ordinal);
        foreach (var s in topology.Switches)
        {
            var sw = new OpenFlowSwitch(net, s.Name);
            switches[s.Name] = sw;
            SimulatorSink.Install(compiled.For(s.Name), sw.Bridge);
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
        return (net, switches, hosts);
    }

    /// <summary>One listener per instance; every message received on a connection is answered with the instance id, until the peer closes.</summary>
    private static void StartEchoServers(ServiceRegistry registry, Dictionary<string, Host> hosts, Network net)
    {
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
                            while (await conn.ReceiveAsync(buf) > 0) await conn.SendAsync(id);
                            conn.Close();
                        });
                    }
                });
            }
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
