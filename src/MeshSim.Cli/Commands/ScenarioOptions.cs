using System.CommandLine;
using MeshSim.Cli.Run;
using MeshSim.Cli.Scenario;

namespace MeshSim.Cli.Commands;

/// <summary>The options every scenario-based command shares (<c>-s/--scenario</c>, <c>--seed</c>) and
/// the one place that turns bad input into exit code 2 with a message.</summary>
public sealed class ScenarioOptions
{
    /// <summary>-s, --scenario FILE.</summary>
    public Option<string?> Scenario { get; } = new("--scenario", "-s") { Description = "scenario YAML file, or a P4 tutorials topology.json (default: the embedded thesis lab)" };
    /// <summary>--program FILE (for a topology.json).</summary>
    public Option<string?> Program { get; } = ProgramOption();

    /// <summary>The <c>--program</c> option, shared with <c>run</c> and <c>lab</c>.</summary>
    public static Option<string?> ProgramOption() =>
        new("--program") { Description = "for a P4 tutorials topology.json: the bmv2 JSON every switch runs (default: each runtime file's bmv2_json)" };
    /// <summary>--seed N.</summary>
    public Option<ulong?> Seed { get; } = new("--seed") { Description = "override the scenario's seed" };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public Command AddTo(Command command)
    {
        command.Options.Add(Scenario);
        command.Options.Add(Seed);
        command.Options.Add(Program);
        return command;
    }

    /// <summary>Loads the scenario and runs <paramref name="body"/>; bad input becomes a message and exit code 2.</summary>
    public Task<int> Invoke(ParseResult p, string commandName, Func<ScenarioSpec, ulong?, TextWriter, int> body)
    {
        try
        {
            return Task.FromResult(body(EmbeddedScenarios.LoadOrDefault(p.GetValue(Scenario), p.GetValue(Program), LimitOption.Read(p)), p.GetValue(Seed), p.InvocationConfiguration.Output));
        }
        catch (Exception ex) when (CommandErrors.IsBadInput(ex))
        {
            return Task.FromResult(CommandErrors.Report(p, commandName, ex));
        }
    }
}
