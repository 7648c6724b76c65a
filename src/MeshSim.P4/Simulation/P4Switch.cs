using MeshSim.Engine;
using MeshSim.P4.Execution;
using MeshSim.P4.Model;
using MeshSim.P4.Runtime;

namespace MeshSim.P4.Simulation;

/// <summary>
/// A simple_switch in the simulation: frames arriving on a port go through the program's v1model
/// pipeline at the simulator's current time (meters, timestamps), and each egress packet leaves
/// on the port with that number. Processing takes no virtual time (bmv2's queueing is not modelled);
/// links add their own delay. Egress to a port the switch does not have, and pipeline drops, are
/// reported to the network's observers as <see cref="DropReason.Pipeline"/>.
/// </summary>
public sealed class P4Switch : Node
{
    private readonly EgressPackets _out = new();

    /// <summary>Creates a switch running <paramref name="program"/> (this switch's own instance) with ports 1..<paramref name="ports"/>.</summary>
    public P4Switch(Network network, string name, P4Program program, int ports, uint firstPort = 1) : base(network, name)
    {
        Program = program;
        Pipeline = new V1Switch(program);
        Cli = new RuntimeCli(program);
        for (uint i = 0; i < ports; i++) AddPort(firstPort + i);
    }

    public P4Program Program { get; }
    public V1Switch Pipeline { get; }
    /// <summary>simple_switch_CLI for this switch (table entries, registers, multicast, mirroring).</summary>
    public RuntimeCli Cli { get; }

    /// <summary>Frames received and frames emitted.</summary>
    public long Received { get; private set; }
    public long Emitted { get; private set; }

    /// <summary>When set, every packet's bmv2-style event log is passed here (slow; for debugging).</summary>
    public Action<string>? TraceSink
    {
        get => _traceSink;
        set { _traceSink = value; Pipeline.TraceEnabled = value is not null; }
    }
    private Action<string>? _traceSink;

    /// <inheritdoc/>
    protected override void Receive(Port port, Frame frame)
    {
        Received++;
        Pipeline.Process(frame.Data, port.Number, _out, Sim.Now);
        if (_traceSink is not null) _traceSink(Pipeline.Trace.ToString());
        if (_out.Count == 0) Network.NotifyDropped(port, frame.Data, DropReason.Pipeline, $"{Name}: dropped by the P4 pipeline");
        for (int i = 0; i < _out.Count; i++)
        {
            int number = _out.Port(i);
            var outPort = number >= 0 ? FindPort((uint)number) : null;
            if (outPort is null)
            {
                Network.NotifyDropped(port, _out.Frame(i), DropReason.Pipeline, $"{Name}: egress port {number} does not exist");
                continue;
            }
            if (_out.Frame(i).Length > Frame.MaxLength)
            {
                Network.NotifyDropped(outPort, _out.Frame(i)[..64], DropReason.Malformed, $"{Name}: deparsed frame of {_out.Frame(i).Length} bytes is too long");
                continue;
            }
            var copy = Network.Frames.Rent(_out.Frame(i));
            copy.Id = Network.NextFrameId();
            Emitted++;
            outPort.Send(copy);
        }
        frame.Release();
    }
}
