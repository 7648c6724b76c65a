using System.CommandLine;
using MeshSim.P4.Runtime;

namespace MeshSim.Cli.Commands.P4;

/// <summary><c>meshsim p4 run PROGRAM.json [--commands FILE] --port N --packet HEX [--packet ...] [--json] [--trace]</c>.</summary>
public static class P4Command
{
    /// <summary>Builds the <c>p4</c> command tree. Exit codes: 0 packets processed, 2 bad input (program, commands, hex).</summary>
    public static Command Create()
    {
        var program = new Argument<FileInfo>("program") { Description = "bmv2 JSON program (as produced by p4c-bm2-ss)" };
        var commands = new Option<FileInfo?>("--commands") { Description = "simple_switch_CLI commands file applied before sending packets" };
        var port = new Option<uint>("--port") { Description = "ingress port for every packet", Required = true };
        var packets = new Option<string[]>("--packet") { Description = "packet bytes in hex (repeatable)", Required = true, AllowMultipleArgumentsPerToken = false };
        var json = new Option<bool>("--json") { Description = "print results as JSON" };
        var trace = new Option<bool>("--trace") { Description = "print a bmv2-style event log per packet (text mode, to stderr)" };

        var run = new Command("run", "Run packets through a P4 program and print each egress packet as 'port N HEX'")
        {
            program, commands, port, packets, json, trace,
        };
        run.SetAction((ParseResult p, CancellationToken ct) =>
        {
            var outw = p.InvocationConfiguration.Output;
            var errw = p.InvocationConfiguration.Error;
            var file = p.GetValue(program)!;
            string programText, commandsText;
            try
            {
                programText = File.ReadAllText(file.FullName);
                var cf = p.GetValue(commands);
                commandsText = cf is null ? null! : File.ReadAllText(cf.FullName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errw.WriteLine($"meshsim p4 run: {e.Message}");
                return Task.FromResult(2);
            }
            var report = PacketRunner.Run(programText, commandsText, p.GetValue(port), p.GetValue(packets) ?? [], p.GetValue(trace), file.Name);
            if (p.GetValue(json)) outw.Write(report.ToJson());
            else
            {
                foreach (var e in report.Errors) errw.WriteLine(e);
                outw.Write(report.ToText());
                foreach (var t in report.Traces) errw.WriteLine(t);
            }
            return Task.FromResult(report.Errors.Count > 0 ? 2 : 0);
        });
        return new Command("p4", "P4 (bmv2 v1model) programs") { run };
    }
}
