using System.CommandLine;
using MeshSim.Cli.Scenario;
using MeshSim.Cli.Usage;
using MeshSim.Control.Registry;

namespace MeshSim.Cli.Commands;

/// <summary>
/// How every command reports bad input (exit code 2): a usage error as one line with a <c>--help</c>
/// hint, an error in an input file with its file:line:column, a missing file as "PATH: no such file".
/// </summary>
public static class CommandErrors
{
    /// <summary>True for the exceptions that mean bad input rather than a bug in MeshSim.</summary>
    public static bool IsBadInput(Exception ex) =>
        ex is ScenarioException or RegistryException or FileNotFoundException or DirectoryNotFoundException or UsageException or InputFileException;

    /// <summary>Writes <paramref name="ex"/> for <c>meshsim COMMAND</c> to the error writer; returns <see cref="ExitCodes.BadInput"/>.</summary>
    public static int Report(ParseResult p, string command, Exception ex) => Report(p.InvocationConfiguration.Error, command, ex);

    /// <summary>Writes <paramref name="ex"/> for <c>meshsim COMMAND</c> to <paramref name="error"/>; returns <see cref="ExitCodes.BadInput"/>.</summary>
    public static int Report(TextWriter error, string command, Exception ex)
    {
        error.WriteLine(Line(command, ex));
        return ExitCodes.BadInput;
    }

    /// <summary>The line for <paramref name="ex"/>.</summary>
    public static string Line(string command, Exception ex)
    {
        var path = "meshsim " + command;
        return ex switch
        {
            UsageException => UsageLine.Format(path, ex.Message),
            // .NET's own wording ("Could not find file '/abs/path'.") is replaced; MeshSim's own messages are kept.
            FileNotFoundException { FileName: { } f } when ex.Message.StartsWith("Could not find file", StringComparison.Ordinal) => $"{path}: {Shown(f)}: no such file",
            _ => $"{path}: {ex.Message}",
        };
    }

    /// <summary>A path as the user would have typed it: relative when it is under the working directory.</summary>
    private static string Shown(string file)
    {
        var full = Path.GetFullPath(file);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) ? full : relative;
    }
}
