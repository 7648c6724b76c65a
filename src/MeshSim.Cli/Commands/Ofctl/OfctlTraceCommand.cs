using System.CommandLine;
using MeshSim.Ovs.Tracing;

namespace MeshSim.Cli.Commands.Ofctl;

/// <summary><c>meshsim ofctl trace FLOWS_FILE [--groups FILE] 'PACKET' [--ct-next FLAGS]... [--json]</c>.</summary>
public static class OfctlTraceCommand
{
    /// <summary>Builds the <c>trace</c> subcommand.</summary>
    public static Command Create()
    {
        var flowsFile = new Argument<FileInfo>("FLOWS_FILE") { Description = "flows as ovs-ofctl add-flows reads them" };
        var packet = new Argument<string>("PACKET") { Description = "the packet in ofproto/trace flow syntax, e.g. 'in_port=1,tcp,nw_src=10.0.0.1,tp_dst=80'" };
        var groups = new Option<FileInfo?>("--groups") { Description = "groups as ovs-ofctl -O OpenFlow15 add-groups reads them" };
        var ctNext = new Option<string[]>("--ct-next")
        {
            Description = "ct_state for the next ct(table=...) recirculation, as ofproto/trace --ct-next (repeat for later ones; default trk|new)",
            AllowMultipleArgumentsPerToken = false,
        };
        var json = new Option<bool>("--json") { Description = "print {\"outputs\":[...],\"dropped\":...,\"steps\":[...]} instead of text" };
        var cmd = new Command("trace", "trace one packet through a flows file, as ovs-appctl ofproto/trace does")
        {
            flowsFile, packet, groups, ctNext, json,
        };
        cmd.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var flows = parse.GetValue(flowsFile)!;
            var groupsFile = parse.GetValue(groups);
            if (!flows.Exists) { error.WriteLine($"meshsim ofctl trace: {flows.FullName}: no such file"); return 2; }
            if (groupsFile is { Exists: false }) { error.WriteLine($"meshsim ofctl trace: {groupsFile.FullName}: no such file"); return 2; }
            var result = OfflineTrace.Run(File.ReadAllText(flows.FullName), flows.Name,
                groupsFile is null ? null : File.ReadAllText(groupsFile.FullName), groupsFile?.Name,
                parse.GetValue(packet)!, parse.GetValue(ctNext) ?? [], parse.GetValue(json));
            if (result.Error.Length > 0) error.WriteLine(result.Error);
            if (result.Output.Length > 0) output.Write(result.Output);
            return result.ExitCode;
        });
        return cmd;
    }
}
