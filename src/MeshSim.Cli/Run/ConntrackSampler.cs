using MeshSim.Engine;
using MeshSim.Stack.Async;

namespace MeshSim.Cli.Run;

/// <summary>Conntrack entries of one switch at one virtual second, by zone and state.</summary>
/// <param name="Second">Whole virtual seconds since the churn traffic started.</param>
/// <param name="Switch">The OVS switch.</param>
/// <param name="Counts">Live entries per (zone, state); state is dpctl's TCP state, or the protocol name.</param>
/// <param name="InTable">Every entry still in the table, expired ones the cleaner has not removed yet
/// included (<c>dpctl/ct-get-nconns</c>); the difference to the live ones is what is expired but held.</param>
public sealed record ConntrackSample(int Second, string Switch, IReadOnlyDictionary<(ushort Zone, string State), int> Counts, int InTable = 0);

/// <summary>
/// Counts every OVS switch's live conntrack entries once per virtual second, as a script polling
/// <c>ovs-appctl dpctl/dump-conntrack</c> and <c>dpctl/ct-get-nconns</c> would; churn runs
/// (keep-alive off) turn it on when their traffic starts.
/// </summary>
public sealed class ConntrackSampler
{
    private readonly ScenarioWorld _world;
    private readonly long _start;
    private bool _stopped;

    /// <summary>Starts sampling at the world's current time.</summary>
    public ConntrackSampler(ScenarioWorld world)
    {
        _world = world;
        _start = world.Network.Sim.Now;
        world.Network.Sim.Schedule(SimTime.Second, Sample);
    }

    /// <summary>Samples so far, by second then switch name.</summary>
    public List<ConntrackSample> Samples { get; } = new();

    /// <summary>Stops taking samples.</summary>
    public void Stop() => _stopped = true;

    private void Sample()
    {
        if (_stopped) return;
        var sim = _world.Network.Sim;
        int second = (int)((sim.Now - _start) / SimTime.Second);
        foreach (var (name, sw) in _world.Switches.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var counts = new SortedDictionary<(ushort, string), int>();
            foreach (var c in sw.Bridge.Conntrack.Connections(sim.Now))
            {
                var key = (c.Key.Zone, c.DumpState ?? ProtoName(c.Key.Proto));
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
            Samples.Add(new ConntrackSample(second, name, counts, sw.Bridge.Conntrack.Count));
        }
        sim.Schedule(SimTime.Second, Sample);
    }

    private static string ProtoName(byte proto) => proto switch { 17 => "udp", 1 => "icmp", _ => $"proto{proto}" };
}
