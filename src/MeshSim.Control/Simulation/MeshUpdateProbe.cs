using MeshSim.Control.Checking;
using MeshSim.Control.P4;
using MeshSim.Control.Compiler;
using MeshSim.Control.Registry;
using MeshSim.Control.Topology;
using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;

namespace MeshSim.Control.Simulation;

/// <summary>
/// A registry update under load, for either switch kind (the controller's update properties run it on
/// OpenFlow and on P4 fabrics): every allowed binding opens a connection and asks once; at
/// 500 ms the switches move to the new registry's compilation (<see cref="MeshFabric.Update"/>); at
/// 1 s each open connection asks again and every binding of the new registry opens a fresh one.
/// </summary>
public static class MeshUpdateProbe
{
    /// <summary>
    /// Fails when an open connection to an instance still registered stops answering or is answered
    /// by another instance, when an answer comes from outside the binding's destination, or when fresh
    /// connections disagree with the new registry (allowed and healthy: answered; else refused).
    /// </summary>
    public static IReadOnlyList<CheckFailure> Check(SwitchKind kind, ServiceRegistry before, ServiceRegistry after, NetworkTopology topology, MeshOptions options, ulong seed = 1)
    {
        var fabric = MeshFabric.Build(kind, before, topology, options, seed);
        var net = fabric.Network;
        var all = new ServiceRegistry(before.Services.Select(s => s with
        {
            Instances = s.Instances.Concat(after.Find(s.Name)?.Instances.Where(i => !s.Instances.Any(x => x.Id == i.Id)) ?? []).ToArray(),
        }), before.Policy);
        MeshProbe.StartEchoServers(fabric, all);   // servers of both registries listen all along
        var failures = new List<CheckFailure>();
        var serviceOf = all.Services.SelectMany(s => s.Instances.Select(i => (i.Id, s.Name))).ToDictionary(x => x.Id, x => x.Name);
        bool StillThere(string id) =>
            after.Services.SelectMany(s => s.Instances).FirstOrDefault(i => i.Id == id) is { } now &&
            before.Services.SelectMany(s => s.Instances).First(i => i.Id == id) is var old && old.Address == now.Address && old.Port == now.Port;

        var pairsBefore = fabric.Pairs;
        for (int k = 0; k < pairsBefore.Count; k++)
        {
            var p = pairsBefore[k];
            net.Sim.Schedule(k * 100_000L, () => net.Sim.Spawn(async () =>
            {
                TcpSocket c;
                try { c = await fabric.Hosts[p.Host.Name].ConnectAsync(options.VirtualIp, p.Port); }
                catch (TcpException) { return; }
                var first = await MeshProbe.Ask(c);
                if (first is null || serviceOf.GetValueOrDefault(first) != p.Destination)
                {
                    failures.Add(new("wrong-host", $"before the update, {p} was answered by '{first}'"));
                    return;
                }
                // Only connections answered before the update are established under load.
                if (net.Sim.Now >= 500_000_000) { c.Close(); return; }
                await net.Sim.Delay(1_000_000_000 - net.Sim.Now);
                string? second;
                try { second = await MeshProbe.Ask(c); }
                catch (TcpException e)
                {
                    if (StillThere(first)) failures.Add(new("established-survives", $"{p}: connection to {first} failed after the update: {e.Message}"));
                    return;
                }
                if (second is not null && second != first)
                    failures.Add(new("wrong-host", $"{p}: connection to {first} answered by {second} after the update"));
                else if (second is null && StillThere(first))
                    failures.Add(new("established-survives", $"{p}: connection to {first} closed after the update"));
                c.Close();
            }));
        }
        net.Sim.Schedule(500_000_000, () => fabric.Update(after, topology, options));
        var pairsAfter = MeshCompiler.ResolvePairs(after, topology);
        for (int k = 0; k < pairsAfter.Count; k++)
        {
            var p = pairsAfter[k];
            var healthy = after.Find(p.Destination)!.HealthyInstances.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
            net.Sim.Schedule(1_000_000_000 + k * 100_000L, () => net.Sim.Spawn(async () =>
            {
                TcpSocket c;
                try { c = await fabric.Hosts[p.Host.Name].ConnectAsync(options.VirtualIp, p.Port); }
                catch (TcpException)
                {
                    if (p.Allowed && healthy.Count > 0) failures.Add(new("allowed-connects", $"after the update, {p}: no handshake"));
                    return;
                }
                var answer = await MeshProbe.Ask(c);
                if (!p.Allowed || healthy.Count == 0) failures.Add(new("denied-never-connects", $"after the update, {p}: connected, answered by '{answer}'"));
                else if (answer is null || !healthy.Contains(answer)) failures.Add(new("wrong-host", $"after the update, {p}: answered by '{answer}'"));
                c.Close();
            }));
        }
        net.Sim.RunUntil(1_000_000_000 + MeshProbe.RunForNs);
        return failures;
    }
}
