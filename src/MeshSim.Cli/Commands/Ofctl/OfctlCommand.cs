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
        var sort = new Option<bool>("--sort") { Description = "sort flows by priority, lowest first (as ovs-ofctl --sort)" };
        var rsort = new Option<bool>("--rsort") { Description = "sort flows by priority, highest first, across tables (as ovs-ofctl --rsort)" };
        var groups = new Option<FileInfo?>("--groups") { Description = "groups file: flows naming a group it lacks are rejected, as OVS rejects them" };
        command.Subcommands.Add(CreateDump("dump-flows", "Print a flows file (ovs-ofctl add-flows syntax) as 'ovs-ofctl --no-stats dump-flows' shows it after adding",
            (content, name, p, output, error) =>
            {
                var groupsFile = p.GetValue(groups);
                string? groupsText = null;
                if (groupsFile is not null)
                {
                    try { groupsText = File.ReadAllText(groupsFile.FullName); }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        error.WriteLine($"{groupsFile}: cannot read: {e.Message}");
                        return BadInput;
                    }
                }
                var order = p.GetValue(sort) ? FlowSort.Ascending : p.GetValue(rsort) ? FlowSort.Descending : FlowSort.None;
                return DumpFlows(content, name, output, error, order, groupsText, groupsFile?.ToString());
            },
            sort, rsort, groups));
        command.Subcommands.Add(CreateDump("dump-groups", "Print a groups file (ovs-ofctl -O OpenFlow15 add-groups syntax) as 'ovs-ofctl -O OpenFlow15 dump-groups' shows it",
            (content, name, _, output, error) => DumpGroups(content, name, output, error)));
        return command;
    }

    /// <summary>Flow order of <c>dump-flows</c>.</summary>
    public enum FlowSort
    {
        /// <summary>MeshSim's order: table, then priority (highest first), then file order.</summary>
        None,
        /// <summary><c>--sort</c>: priority ascending across all tables, ties in table/file order.</summary>
        Ascending,
        /// <summary><c>--rsort</c>: priority descending across all tables, ties in table/file order.</summary>
        Descending,
    }

    private static Command CreateDump(string name, string description, Func<string, string, ParseResult, TextWriter, TextWriter, int> run, params Option[] options)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "rules file: one entry per line, '#' comments, blank lines ignored" };
        var command = new Command(name, description) { file };
        foreach (var o in options) command.Options.Add(o);
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
            return Task.FromResult(run(content, info.ToString(), p, output, error));
        });
        return command;
    }

    /// <summary>The work of <c>dump-flows</c>, on text (for tests and other callers).</summary>
    public static int DumpFlows(string content, string fileName, TextWriter output, TextWriter error, FlowSort sort = FlowSort.None,
                                string? groupsContent = null, string? groupsFileName = null)
    {
        var result = OvsRuleFile.ParseFlows(content);
        if (!result.Ok) return ReportErrors(result.Errors, fileName, error);
        if (groupsContent is not null)
        {
            var groups = OvsRuleFile.ParseGroups(groupsContent);
            if (!groups.Ok) return ReportErrors(groups.Errors, groupsFileName ?? "groups", error);
            var missing = OvsRuleFile.CheckGroupReferences(result.Entries, groups.Entries.Select(g => g.Entry.GroupId).ToHashSet());
            if (missing.Count > 0) return ReportErrors(missing, fileName, error);
        }
        var ordered = OvsRuleFile.DumpOrder(result.Entries.Select(e => e.Entry)).ToList();
        // ovs-ofctl's --sort/--rsort compare priority only; equal priorities keep the dump order.
        IEnumerable<FlowEntry> flows = sort switch
        {
            FlowSort.Ascending => ordered.OrderBy(f => f.Priority),
            FlowSort.Descending => ordered.OrderByDescending(f => f.Priority),
            _ => ordered,
        };
        foreach (var flow in flows)
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
