using MeshSim.Cli.Commands;
using MeshSim.Cli.Scenario;

namespace MeshSim.Cli.Lab;

/// <summary>
/// The read-eval-print loop of <c>meshsim lab</c>. From a terminal it uses <see cref="LineEditor"/>;
/// from a pipe or file it reads plain lines and echoes each after the prompt, so a transcript of
/// <c>meshsim lab &lt; script.txt</c> reads like an interactive session.
/// </summary>
public static class LabShell
{
    /// <summary>The prompt, in the spirit of <c>mininet&gt;</c>.</summary>
    public const string Prompt = "meshsim> ";

    /// <summary>Runs until <c>exit</c> or end of input. Returns 0, or 2 when any line was an error (errors never end the session).</summary>
    public static int Run(LabSession session, TextReader input, TextWriter output, bool terminal)
    {
        var spec = session.World.Spec;
        output.Write($"*** {spec.Name}: {spec.Hosts.Count} hosts ({string.Join(" ", spec.Hosts.Select(h => h.Name))}), " +
                     $"{spec.Switches.Count} switches ({string.Join(" ", spec.Switches.Select(s => s.Name))}); type help for commands\n");
        var editor = terminal ? new LineEditor(() => session.CompletionWords, () => Console.ReadKey(intercept: true), output) : null;
        int errors = 0;
        while (true)
        {
            string? line;
            if (editor is not null) line = editor.ReadLine(Prompt);
            else
            {
                line = input.ReadLine();
                if (line is not null && line.Trim().Length > 0 && !line.TrimStart().StartsWith('#')) output.Write(Prompt + line.Trim() + "\n");
            }
            if (line is null || line.Trim() is "exit" or "quit") break;
            try
            {
                output.Write(session.Execute(line));
            }
            catch (Exception ex) when (ex is UsageException or ScenarioException)
            {
                errors++;
                // On stdout, so a transcript keeps the error next to the line that caused it.
                output.Write($"*** error: {ex.Message}\n");
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A bug below the shell (or a limit such as a run that never ends) must not cost the student the session.
                errors++;
                output.Write($"*** error: {ex.GetType().Name}: {ex.Message}\n");
            }
            output.Flush();
        }
        return errors == 0 ? ExitCodes.Ok : ExitCodes.BadInput;
    }
}
