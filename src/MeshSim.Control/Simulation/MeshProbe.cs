using System.Text;
using MeshSim.Control.Checking;
using MeshSim.Control.P4;
using MeshSim.Control.Compiler;
using MeshSim.Control.Registry;
using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;
using MeshSim.Wire;

namespace MeshSim.Control.Simulation;

/// <summary>What one client connection of a binding saw.</summary>
/// <param name="Pair">The binding.</param>
/// <param name="Index">Which of the binding's connections (0-based).</param>
/// <param name="Established">The client's connect completed.</param>
/// <param name="ClientSawRemote">The remote address of the client's socket (must be the virtual IP).</param>
/// <param name="Answers">The instance id that answered each request, in order (null: the peer closed).</param>
public sealed record ConnectionOutcome(PairBinding Pair, int Index, bool Established, Ipv4Address? ClientSawRemote, IReadOnlyList<string?> Answers)
{
    /// <summary>The instance that answered the first request, or null.</summary>
    public string? ServedBy => Answers.Count > 0 ? Answers[0] : null;
}

/// <summary>
/// The controller's end-to-end workload, for either switch kind: a TCP server per service instance
/// that answers every message with its instance id, and per binding <c>connections</c> client
/// connections to virtual-IP:bind-port, each asking <c>requests</c> times, all in virtual time.
/// </summary>
public static class MeshProbe
{
    /// <summary>Virtual time allowed for all connections (denied ones retry SYNs until then).</summary>
    public const long RunForNs = 3_000_000_000;

    /// <summary>Runs the workload on <paramref name="fabric"/>; outcomes in binding order, then connection order.</summary>
    public static IReadOnlyList<ConnectionOutcome> Run(MeshFabric fabric, ServiceRegistry registry, MeshOptions options, int connections = 1, int requests = 3)
    {
        var net = fabric.Network;
        StartEchoServers(fabric, registry);
        var outcomes = new ConnectionOutcome[fabric.Pairs.Count * connections];
        for (int k = 0; k < outcomes.Length; k++)
        {
            var p = fabric.Pairs[k / connections];
            int slot = k;
            var answers = new List<string?>();
            outcomes[slot] = new ConnectionOutcome(p, k % connections, false, null, answers);
            // Connections start 100 µs apart: a burst of SYNs to one unresolved neighbour would
            // overflow the host's ARP hold queue, a host limit and not a mesh property.
            net.Sim.Schedule(k * 100_000L, () => net.Sim.Spawn(async () =>
            {
                TcpSocket c;
                try { c = await fabric.Hosts[p.Host.Name].ConnectAsync(options.VirtualIp, p.Port); }
                catch (TcpException) { return; }
                outcomes[slot] = outcomes[slot] with { Established = true, ClientSawRemote = c.RemoteAddress };
                for (int r = 0; r < requests; r++)
                {
                    string? answer;
                    try { answer = await Ask(c); }
                    catch (TcpException) { answer = null; }
                    answers.Add(answer);
                    if (answer is null) break;
                }
                c.Close();
            }));
        }
        net.Sim.RunUntil(RunForNs);
        return outcomes;
    }

    /// <summary>
    /// Checks outcomes against the registry: every connection of an allowed binding whose destination
    /// has a healthy instance completes to the virtual IP, and all its requests are answered by one
    /// and the same healthy instance of that destination (per-connection consistency); no connection
    /// of any other binding completes.
    /// </summary>
    public static IReadOnlyList<CheckFailure> Check(IReadOnlyList<ConnectionOutcome> outcomes, ServiceRegistry registry, MeshOptions options, int requests)
    {
        var failures = new List<CheckFailure>();
        foreach (var o in outcomes)
        {
            var healthy = registry.Find(o.Pair.Destination)!.HealthyInstances.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
            string where = $"{o.Pair} connection {o.Index}";
            if (o.Pair.Allowed && healthy.Count > 0)
            {
                if (!o.Established) failures.Add(new("allowed-connects", $"{where}: no handshake"));
                else if (o.ClientSawRemote != options.VirtualIp) failures.Add(new("virtual-ip-source", $"{where}: client talks to {o.ClientSawRemote}"));
                else if (o.ServedBy is null || !healthy.Contains(o.ServedBy)) failures.Add(new("answered-by-upstream", $"{where}: answered by '{o.ServedBy}'"));
                else if (o.Answers.Count != requests || o.Answers.Any(a => a != o.ServedBy))
                    failures.Add(new("per-connection-consistency", $"{where}: answers [{string.Join(", ", o.Answers.Select(a => a ?? "closed"))}]"));
            }
            else if (o.Established)
                failures.Add(new(o.Pair.Allowed ? "no-healthy-instance-refuses" : "denied-never-connects", $"{where}: connected, answered by '{o.ServedBy}'"));
        }
        return failures;
    }

    /// <summary>Builds a fabric of <paramref name="kind"/>, runs the workload and checks it.</summary>
    public static IReadOnlyList<CheckFailure> Check(SwitchKind kind, ServiceRegistry registry, Topology.NetworkTopology topology, MeshOptions options,
        ulong seed = 1, int connections = 1, int requests = 3)
    {
        var fabric = MeshFabric.Build(kind, registry, topology, options, seed);
        return Check(Run(fabric, registry, options, connections, requests), registry, options, requests);
    }

    internal static async SimTask<string?> Ask(TcpSocket c)
    {
        await c.SendAsync(Encoding.ASCII.GetBytes("hello"));
        var buf = new byte[64];
        int n = await c.ReceiveAsync(buf);
        return n > 0 ? Encoding.ASCII.GetString(buf, 0, n) : null;
    }

    internal static void StartEchoServers(MeshFabric fabric, ServiceRegistry registry)
    {
        var sim = fabric.Network.Sim;
        foreach (var s in registry.Services)
            foreach (var i in s.Instances)
            {
                var listener = fabric.Hosts[i.Node].Listen(i.Port);
                var id = Encoding.ASCII.GetBytes(i.Id);
                sim.Spawn(async () =>
                {
                    while (true)
                    {
                        var conn = await listener.AcceptAsync();
                        sim.Spawn(async () =>
                        {
                            var buf = new byte[64];
                            while (await conn.ReceiveAsync(buf) > 0) await conn.SendAsync(id);
                            conn.Close();
                        });
                    }
                });
            }
    }
}
