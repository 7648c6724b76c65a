using System.CommandLine.Parsing;

namespace MeshSim.Cli.Usage;

/// <summary>The one shape of every usage error: <c>meshsim run: MESSAGE; see 'meshsim run --help'</c>,
/// on one line, never the whole help screen.</summary>
public static class UsageLine
{
    /// <summary>The line for <paramref name="message"/> about <paramref name="commandPath"/>.</summary>
    public static string Format(string commandPath, string message) => $"{commandPath}: {message}; see '{commandPath} --help'";

    /// <summary>"meshsim ofctl trace" for the command <paramref name="result"/> matched. The root is always
    /// called meshsim: its own name is the process's file name, which differs under test hosts.</summary>
    public static string PathOf(CommandResult result)
    {
        var names = new List<string>();
        for (var r = result; r is not null; r = r.Parent as CommandResult)
            names.Add(r.Parent is null ? "meshsim" : r.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }
}
