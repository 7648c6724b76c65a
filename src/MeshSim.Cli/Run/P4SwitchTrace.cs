using System.Globalization;
using System.Text;
using MeshSim.Cli.Commands;
using MeshSim.Ovs.Tracing;
using MeshSim.P4.Execution;

namespace MeshSim.Cli.Run;

/// <summary>
/// <c>trace SWITCH PACKET</c> for a P4 switch: the packet (written as for ofproto/trace, e.g.
/// <c>in_port=1,tcp,nw_src=192.168.1.11,nw_dst=192.168.1.250,tp_dst=9191</c>; <c>in_port</c> is the
/// P4 port number) goes through a fresh copy of the switch (<see cref="ScenarioWorld.FreshCopy"/>),
/// and the bmv2-style event log is printed with the packets that leave and their ports.
/// </summary>
public static class P4SwitchTrace
{
    /// <summary>The event log of <paramref name="packetText"/> through <paramref name="switchName"/>, then one line per egress packet.</summary>
    /// <exception cref="UsageException">The packet does not parse, or the switch cannot be copied.</exception>
    public static string Text(ScenarioWorld world, string switchName, string packetText)
    {
        if (!TracePacket.TryParse(packetText, out var packet, out var error)) throw new UsageException($"packet: {error}");
        var copy = world.FreshCopy(switchName);
        var output = new EgressPackets();
        copy.Pipeline.TraceEnabled = true;
        copy.Pipeline.Process(packet!.Frame, packet.InPort, output, world.Network.Sim.Now);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"*** {switchName}: P4 trace through a fresh copy of the switch (same program and entries; registers, counters and meters start empty)\n");
        sb.Append(copy.Pipeline.Trace.ToString()).Append('\n');
        if (output.Count == 0) sb.Append("Final: dropped\n");
        for (int i = 0; i < output.Count; i++)
            sb.Append(CultureInfo.InvariantCulture, $"Final: port {output.Port(i)} {Convert.ToHexString(output.Frame(i)).ToLowerInvariant()}\n");
        return sb.ToString();
    }
}
