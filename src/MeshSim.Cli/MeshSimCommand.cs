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
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>, writing to the given writers (tests pass StringWriters).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var config = new InvocationConfiguration { Output = output, Error = error };
        try
        {
            return await Create().Parse(args).InvokeAsync(config);
        }
        catch (Exception ex)
        {
            await error.WriteLineAsync($"meshsim: internal error: {ex}");
            return ExitCodes.Internal;
        }
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
