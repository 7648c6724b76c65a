using System.CommandLine;

namespace MeshSim.Cli;

/// <summary>The root of the <c>meshsim</c> command tree. Exit codes: 0 all expectations held,
/// 1 an expectation failed, 2 bad input (usage, scenario, rule text), 3 internal error.</summary>
public static class MeshSimCommand
{
    /// <summary>Builds the command tree.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("meshsim: packet-level simulator of a service mesh built from programmable switches")
        {
            Commands.Run.RunCommand.Create(),
            Commands.Compile.CompileCommand.Create(),
            Commands.P4.P4Command.Create(),
            Commands.Control.ControlCommand.Create(),
            Commands.Replay.ReplayCommand.Create(),
            Commands.Emulate.EmulateCommand.Create(),
            Commands.Experiment.ExperimentCommand.Create(),
        };
        var ofctl = Commands.Ofctl.OfctlCommand.Create();
        ofctl.Subcommands.Add(Commands.Ofctl.OfctlTraceCommand.Create());
        root.Subcommands.Add(ofctl);
        foreach (var c in Commands.Lab.InspectCommands.Create()) root.Subcommands.Add(c);
        root.Subcommands.Add(Commands.Lab.LabCommand.Create());
        root.Options.Add(Commands.LimitOption.Instance);
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>, writing to the given writers (tests pass StringWriters).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) => RunAsync(args, output, error, Create());

    /// <summary>Runs <paramref name="args"/> against <paramref name="root"/> (tests pass a tree with a failing command).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, RootCommand root)
    {
        // System.CommandLine's own handler would print "Unhandled exception" and a stack trace and
        // exit 1, indistinguishable from a failed expectation; ours below is the only last resort.
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            var parse = root.Parse(args);
            // Usage errors are ours to word: one line and exit code 2, never System.CommandLine's
            // help screen with exit code 1 (which scripts would read as a failed expectation).
            if (Usage.CommandLineProblem.Find(parse, args) is { } problem)
            {
                await error.WriteLineAsync(problem.ToString());
                return ExitCodes.BadInput;
            }
            return await parse.InvokeAsync(config);
        }
        catch (Exception ex)
        {
            await error.WriteLineAsync(InternalErrorLine(args, ex));
            if (Environment.GetEnvironmentVariable("MESHSIM_TRACE") == "1") await error.WriteLineAsync(ex.ToString());
            return ExitCodes.Internal;
        }
    }

    /// <summary>The one line printed when an exception escapes a command: a bug in MeshSim, since bad
    /// input is always reported as such (exit code 2). It says what failed, on which input, and how to report it.</summary>
    public static string InternalErrorLine(string[] args, Exception ex)
    {
        var command = string.Join(' ', args.Select(a => a.Contains(' ') ? $"'{a}'" : a));
        var message = ex.Message.ReplaceLineEndings(" ");
        if (message.Length > 200) message = message[..200] + "...";
        return $"meshsim: internal error ({ex.GetType().Name}: {message}) running 'meshsim {command}'; this is a bug in MeshSim, not in your input: " +
               "please report it with this command line and its input files attached (MESHSIM_TRACE=1 prints the stack trace)";
    }
}

/// <summary>Process exit codes shared by every command.</summary>
public static class ExitCodes
{
    /// <summary>Success; every expectation held.</summary>
    public const int Ok = 0;
    /// <summary>The run completed but an expectation failed.</summary>
    public const int ExpectationFailed = 1;
    /// <summary>Bad input: usage, scenario, rule text, capture file.</summary>
    public const int BadInput = 2;
    /// <summary>A bug in MeshSim.</summary>
    public const int Internal = 3;
}
