using MeshSim.Cli.Commands;
using MeshSim.Cli.Run;
using MeshSim.Cli.Scenario;
using MeshSim.Engine;
using MeshSim.Engine.Capture;
using MeshSim.Io.Pcap;
using MeshSim.Ovs.Datapath;
using MeshSim.Ovs.Tracing;
using MeshSim.Wire;

namespace MeshSim.Cli.Replay;

/// <summary>
/// Replays captures into ports of one switch running the scenario's rules, and says per frame
/// what the switch did: the ports it left by (with the rewritten headers), or the table and flow
/// that dropped it, and the ct_state of each conntrack pass. Only that switch runs: its other
/// ports lead to capture sinks, so nothing answers and the capture's own replies drive conntrack,
/// as they did on the switch where it was taken. With one capture per port (what tcpdump gives
/// on each port of a real bridge) the frames are merged by timestamp, so a reply that entered
/// by another port meets the conntrack entry its request made. Malformed frames are reported, not fatal.
/// </summary>
public static class PcapReplay
{
    /// <summary>Result: fates in replay order, the capture files' own problems, the files written, and the flows with their counters afterwards.</summary>
    public sealed record Result(IReadOnlyList<PacketFate> Fates, IReadOnlyList<CaptureProblem> CaptureProblems, IReadOnlyList<string> OutputFiles,
                                IReadOnlyList<FlowRule> Flows, int Captures = 1);

    /// <summary>One capture and the port its frames enter by.</summary>
    public sealed record Input(uint Port, CaptureReader.Result Capture);

    /// <summary>Replays <paramref name="capture"/> into <paramref name="switchName"/>:<paramref name="port"/>.</summary>
    public static Result Run(ScenarioSpec spec, string switchName, uint port, CaptureReader.Result capture, bool originalTiming, string? outDir) =>
        Run(spec, switchName, [new Input(port, capture)], originalTiming, outDir);

    /// <summary>Replays several captures, each into its own port of <paramref name="switchName"/>.</summary>
    /// <param name="originalTiming">Keep the captures' spacing (conntrack timeouts see it); otherwise 1 µs apart.</param>
    /// <param name="outDir">When set, what left each port is written there as pcap.</param>
    public static Result Run(ScenarioSpec spec, string switchName, IReadOnlyList<Input> inputs, bool originalTiming, string? outDir)
    {
        var world = ScenarioWorld.Build(spec);
        // The switch and ports come from --into, so a wrong one is a usage error, not a place in the scenario.
        if (world.P4Switches.ContainsKey(switchName)) throw new UsageException($"--into: {switchName} is a P4 switch; replay runs captures through an OpenFlow switch (for a P4 program: meshsim p4 run PROGRAM.json --packet HEX)");
        if (!world.Switches.TryGetValue(switchName, out var sw))
            throw new UsageException($"--into: no switch named '{switchName}'" + (Usage.Suggestions.Closest(switchName, world.SwitchNames) is { } near ? $" (did you mean '{near}'?)" : $" (switches: {string.Join(", ", world.SwitchNames)})"));
        foreach (var input in inputs)
            if (sw.FindPort(input.Port) is null) throw new UsageException($"--into: switch {switchName} has no port {input.Port} (ports: {string.Join(", ", sw.Ports.Select(p => p.Number))})");

        // Cut the switch loose from the rest of the world: every port now leads to a sink.
        var isolated = new Network(spec.Seed);
        var replica = new MeshSim.Ovs.Switch.OpenFlowSwitch(isolated, switchName);
        foreach (var p in sw.Ports) replica.AddSwitchPort(p.Number, p.Name);
        foreach (var g in sw.Bridge.Groups) replica.Bridge.AddGroup(g.Entry);
        replica.Bridge.AddFlows(sw.Bridge.Tables.SelectMany(t => t.Flows(0)).Select(r => r.Entry));
        var sinks = replica.Ports.Select(p => new Sink(isolated, $"sink{p.Number}", p)).ToList();
        NetworkCapture? files = outDir is null ? null : NetworkCapture.PcapPerPort(isolated, outDir, $"replay-{switchName}");

        var order = Merge(inputs);
        var fates = new List<PacketFate>();
        long first = order.Count > 0 ? order[0].Frame.TimestampNs : 0;
        for (int i = 0; i < order.Count; i++)
        {
            var (f, capture, port) = order[i];
            long at = originalTiming ? Math.Max(isolated.Sim.Now, f.TimestampNs - first) : i * 1_000L;
            isolated.Sim.RunUntil(at);
            var summary = FrameText.Describe(f.Data);
            if (f.IsCut || f.Data.Length < 14)
            {
                fates.Add(new PacketFate(f.Index, isolated.Sim.Now, summary, "malformed", f.IsCut ? $"cut at {f.Data.Length} of {f.OriginalLength} bytes by the capture's snap length" : "shorter than an Ethernet header", [], [], capture, port));
                continue;
            }
            var trace = replica.Bridge.Trace(f.Data, port, CtMode.Live);
            var ct = trace.Passes.Where(p => p.CtState is not null).Select(p => p.CtState!).ToList();
            fates.Add(trace.Dropped
                ? new PacketFate(f.Index, isolated.Sim.Now, summary, "dropped", DropExplainer.Decision(trace), [], ct, capture, port)
                : new PacketFate(f.Index, isolated.Sim.Now, summary, "forwarded", null, trace.Outputs.Select(o => new ReplayOutput(o.Port, o.Flow, o.Frame)).ToList(), ct, capture, port));
        }
        isolated.Sim.Run();
        files?.Dispose();
        return new Result(fates, inputs.SelectMany(i => i.Capture.Problems).ToList(), files?.Files ?? [],
                          replica.Bridge.Tables.SelectMany(t => t.Flows(isolated.Sim.Now)).ToList(), inputs.Count);
    }

    /// <summary>
    /// One capture replays in file order. Several are merged by timestamp (ties: command-line
    /// order, then file order), since each was taken on its own port against the same clock.
    /// </summary>
    private static List<(CapturedFrame Frame, int Capture, uint Port)> Merge(IReadOnlyList<Input> inputs)
    {
        var all = inputs.SelectMany((input, n) => input.Capture.Frames.Select(f => (Frame: f, Capture: n + 1, input.Port)));
        return inputs.Count == 1 ? all.ToList()
            : all.OrderBy(x => x.Frame.TimestampNs).ThenBy(x => x.Capture).ThenBy(x => x.Frame.Index).ToList();
    }

    /// <summary>Swallows whatever the switch sends (the capture writer sees it on the link).</summary>
    private sealed class Sink : Node
    {
        public Sink(Network network, string name, Port switchPort) : base(network, name) =>
            network.Connect(switchPort, AddPort(1), new LinkOptions(0, 0));

        protected override void Receive(Port port, Frame frame) => frame.Release();
    }
}
