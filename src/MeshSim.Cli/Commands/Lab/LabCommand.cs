using System.CommandLine;
using MeshSim.Cli.Lab;
using MeshSim.Cli.Scenario;
using MeshSim.Control.Registry;

namespace MeshSim.Cli.Commands.Lab;

/// <summary><c>meshsim lab [SCENARIO] [--metrics-listen [ADDRESS:]PORT]</c>: the interactive shell; <c>meshsim lab check EXERCISE [--dir DIR]</c>: grade a teaching lab.</summary>
public static class LabCommand
{
    /// <summary>Builds the command with its <c>check</c> and <c>list</c> subcommands.</summary>
    public static Command Create()
    {
        var scenario = new Argument<string?>("scenario") { Description = "scenario YAML file, or a P4 tutorials topology.json (default: the embedded thesis lab)", Arity = ArgumentArity.ZeroOrOne };
        var seed = new Option<ulong?>("--seed") { Description = "override the scenario's seed" };
        var program = ScenarioOptions.ProgramOption();
        var metricsListen = MetricsListenOption.Create();
        var command = new Command("lab", "Interactive shell over one live scenario (pingall, h1 curl URL, dump-flows s1, link s1 h2 down, add-flow ...); reads a script from stdin when it is not a terminal")
        {
            scenario, seed, program, metricsListen, Check(), List(),
        };
        command.SetAction((ParseResult p, CancellationToken _) => Guard(p, "lab", () =>
        {
            var session = new LabSession(EmbeddedScenarios.LoadOrDefault(p.GetValue(scenario), p.GetValue(program), LimitOption.Read(p)), p.GetValue(seed));
            // Scrapes show the world after the latest command (virtual time moves only inside commands).
            using var endpoint = MetricsListenOption.Start(p, metricsListen, _ => Task.FromResult(session.Scrape(TimeSpan.FromSeconds(2))));
            if (endpoint is not null)
            {
                // On stderr, so the transcript on stdout stays the same for the same script.
                p.InvocationConfiguration.Error.WriteLine($"meshsim lab: serving metrics on {endpoint.Url}");
                p.InvocationConfiguration.Error.Flush();
            }
            bool terminal = !Console.IsInputRedirected && !Console.IsOutputRedirected && ReferenceEquals(p.InvocationConfiguration.Output, Console.Out);
            return LabShell.Run(session, Console.In, p.InvocationConfiguration.Output, terminal);
        }));
        return command;
    }

    private static Command Check()
    {
        var exercise = new Argument<string>("exercise") { Description = "exercise folder name (e.g. 01-nat-by-hand) or number" };
        var dir = new Option<string?>("--dir") { Description = "folder with your lab.yaml (default: scenarios/labs/EXERCISE)" };
        var c = new Command("check", "Check a teaching lab and say in plain words what is still wrong; exit 0 when solved") { exercise, dir };
        c.SetAction((ParseResult p, CancellationToken _) => Guard(p, "lab check", () =>
        {
            var ex = LabChecker.Resolve(p.GetValue(exercise)!);
            var result = LabChecker.Check(ex, p.GetValue(dir) ?? Path.Combine("scenarios", "labs", ex.Name));
            p.InvocationConfiguration.Output.Write(result.Text);
            return result.Solved ? ExitCodes.Ok : ExitCodes.ExpectationFailed;
        }));
        return c;
    }

    private static Command List()
    {
        var c = new Command("list", "List the teaching labs");
        c.SetAction((ParseResult p, CancellationToken _) =>
        {
            foreach (var e in LabExercises.All) p.InvocationConfiguration.Output.Write($"{e.Name,-18} {e.Title}\n");
            return Task.FromResult(ExitCodes.Ok);
        });
        return c;
    }

    private static Task<int> Guard(ParseResult p, string name, Func<int> body)
    {
        try
        {
            return Task.FromResult(body());
        }
        catch (Exception ex) when (CommandErrors.IsBadInput(ex))
        {
            return Task.FromResult(CommandErrors.Report(p, name, ex));
        }
    }
}
