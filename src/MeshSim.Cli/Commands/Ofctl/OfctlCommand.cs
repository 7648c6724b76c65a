using System.CommandLine;
using MeshSim.Ovs;

namespace MeshSim.Cli.Commands.Ofctl;

/// <summary>
/// <c>meshsim ofctl</c>: the ovs-ofctl language without a switch. <c>dump-flows FILE</c> and
/// <c>dump-groups FILE</c> print a rules file exactly as <c>ovs-ofctl --no-stats dump-flows</c> /
/// <c>ovs-ofctl -O OpenFlow15 dump-groups</c> would after adding it to Open vSwitch 3.1.
/// Exit codes: 0 success, 2 bad input (every error printed as <c>file:line:column: message</c>).
/// </summary>
public static class OfctlCommand
{
    /// <summary>Exit code for rejected input.</summary>
    public const int BadInput = 2;

    /// <summary>Builds the <c>ofctl</c> command with its subcommands.</summary>
    public static Command Create()
    {
        var command = new Command("ofctl", "Parse and print OpenFlow rules as Open vSwitch 3.1's ovs-ofctl does");
        command.Subcommands.Add(CreateDump("dump-flows", "Print a flows file (ovs-ofctl add-flows syntax) as 'ovs-ofctl --no-stats dump-flows' shows it after adding", DumpFlows));
        command.Subcommands.Add(CreateDump("dump-groups", "Print a groups file (ovs-ofctl -O OpenFlow15 add-groups syntax) as 'ovs-ofctl -O OpenFlow15 dump-groups' shows it", DumpGroups));
        return command;
    }

    private static Command CreateDump(string name, string description, Func<string, string, TextWriter, TextWriter, int> run)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "rules file: one entry per line, '#' comments, blank lines ignored" };
        var command = new Command(name, description) { file };
        command.SetAction((ParseResult p, CancellationToken ct) =>
        {
            var output = p.InvocationConfiguration.Output;
            var error = p.InvocationConfiguration.Error;
            var info = p.GetValue(file)!;
            string content;
            try
            {
                content = File.ReadAllText(info.FullName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"{info.FullName}: cannot read: {e.Message}");
                return Task.FromResult(BadInput);
            }
            return Task.FromResult(run(content, info.ToString(), output, error));
        });
        return command;
    }

    /// <summary>The work of <c>dump-flows</c>, on text (for tests and other callers).</summary>
    public static int DumpFlows(string content, string fileName, TextWriter output, TextWriter error)
    {
        var result = OvsRuleFile.ParseFlows(content);
        if (!result.Ok) return ReportErrors(result.Errors, fileName, error);
        foreach (var flow in OvsRuleFile.DumpOrder(result.Entries.Select(e => e.Entry)))
            output.WriteLine(" " + OvsFormatter.FormatFlow(flow));
        return 0;
    }

    /// <summary>The work of <c>dump-groups</c>, on text.</summary>
    public static int DumpGroups(string content, string fileName, TextWriter output, TextWriter error)
    {
        var result = OvsRuleFile.ParseGroups(content);
        if (!result.Ok) return ReportErrors(result.Errors, fileName, error);
        foreach (var group in OvsRuleFile.DumpOrder(result.Entries.Select(e => e.Entry)))
            output.WriteLine(" " + OvsFormatter.FormatGroup(group));
        return 0;
    }

    private static int ReportErrors(IReadOnlyList<OvsSyntaxError> errors, string fileName, TextWriter error)
    {
        foreach (var e in errors) error.WriteLine(e.ToString(fileName));
        return BadInput;
    }
}
