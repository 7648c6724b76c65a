using System.CommandLine;
using System.Text;

namespace MeshSim.Cli.Commands.Lab;

/// <summary>
/// Renders docs/cli.md from the command tree itself, so the reference cannot drift from the
/// binary: a test compares the file with this output (MESHSIM_UPDATE_DOCS=1 rewrites it).
/// </summary>
public static class CliReference
{
    /// <summary>The whole reference as Markdown.</summary>
    public static string Markdown(RootCommand root)
    {
        var sb = new StringBuilder();
        sb.Append("# meshsim command reference\n\n");
        sb.Append("Generated from the command tree (`CliReference.Markdown`); a test fails when this file is out of\n");
        sb.Append("date. Regenerate with `MESHSIM_UPDATE_DOCS=1 dotnet test tests/MeshSim.Cli.Tests --filter CliReference`.\n\n");
        sb.Append(root.Description).Append("\n\n");
        sb.Append("Exit codes: 0 every expectation held (or the lab is solved), 1 an expectation failed, 2 bad input, 3 internal error.\n\n");
        sb.Append("A usage error (unknown command or option, a missing or wrong value) is one line on stderr and exit code 2,\n");
        sb.Append("`meshsim run: unknown option '--sed' (did you mean '--seed'?); see 'meshsim run --help'`; an error in an input\n");
        sb.Append("file names it as `file:line:column`. A progress line is drawn on stderr only when stderr is a terminal.\n\n");
        foreach (var o in root.Options.Where(o => o.Recursive && Visible(o)))
            sb.Append($"Every command accepts `{o.Name} <{o.Name.TrimStart('-')}>`: {Cell(o.Description)}.\n\n");
        sb.Append("| command | what it does |\n|---|---|\n");
        foreach (var (path, c) in Walk(root, "meshsim")) sb.Append($"| [`{path}`](#{Anchor(path)}) | {Cell(c.Description)} |\n");
        foreach (var (path, c) in Walk(root, "meshsim")) Section(sb, path, c);
        return sb.ToString();
    }

    private static IEnumerable<(string Path, Command Command)> Walk(Command command, string path)
    {
        foreach (var sub in command.Subcommands.Where(s => !s.Hidden).OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            var subPath = $"{path} {sub.Name}";
            yield return (subPath, sub);
            foreach (var nested in Walk(sub, subPath)) yield return nested;
        }
    }

    private static void Section(StringBuilder sb, string path, Command c)
    {
        sb.Append($"\n## {path}\n\n{c.Description}\n\n```\n{path}");
        foreach (var a in c.Arguments.Where(a => !a.Hidden))
            sb.Append(a.Arity.MinimumNumberOfValues == 0 ? $" [{a.Name}]" : $" <{a.Name}>");
        if (c.Options.Any(Visible)) sb.Append(" [options]");
        sb.Append("\n```\n");
        if (c.Arguments.Any(a => !a.Hidden))
        {
            sb.Append("\n| argument | meaning |\n|---|---|\n");
            foreach (var a in c.Arguments.Where(a => !a.Hidden)) sb.Append($"| `{a.Name}` | {Cell(a.Description)} |\n");
        }
        if (c.Options.Any(Visible))
        {
            sb.Append("\n| option | meaning |\n|---|---|\n");
            foreach (var o in c.Options.Where(Visible))
            {
                var names = string.Join(", ", new[] { o.Name }.Concat(o.Aliases.Order(StringComparer.Ordinal)));
                var value = o.ValueType == typeof(bool) ? "" : $" <{o.Name.TrimStart('-')}>";
                sb.Append($"| `{names}{value}` | {Cell(o.Description)}{(o.Required ? " (required)" : "")} |\n");
            }
        }
    }

    private static bool Visible(Option o) => !o.Hidden && o.Name is not ("--help" or "-h" or "-?" or "--version");

    private static string Cell(string? text) => (text ?? "").Replace("|", "\\|").Replace("\n", " ");

    private static string Anchor(string path) => path.Replace(' ', '-');
}
