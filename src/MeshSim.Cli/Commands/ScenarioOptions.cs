using System.CommandLine;
using MeshSim.Cli.Run;
using MeshSim.Cli.Scenario;
using MeshSim.Control.Registry;

namespace MeshSim.Cli.Commands;

/// <summary>The options every scenario-based command shares (<c>-s/--scenario</c>, <c>--seed</c>) and
/// the one place that turns bad input into exit code 2 with a message.</summary>
public sealed class ScenarioOptions
{
    /// <summary>-s, --scenario FILE.</summary>
    public Option<string?> Scenario { get; } = new("--scenario", "-s") { Description = "scenario YAML file (default: the embedded thesis lab)" };
    /// <summary>--seed N.</summary>
    public Option<ulong?> Seed { get; } = new("--seed") { Description = "override the scenario's seed" };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public Command AddTo(Command command)
    {
        command.Options.Add(Scenario);
        command.Options.Add(Seed);
        return command;
    }

    /// <summary>Loads the scenario and runs <paramref name="body"/>; bad input becomes a message and exit code 2.</summary>
    public Task<int> Invoke(ParseResult p, string commandName, Func<ScenarioSpec, ulong?, TextWriter, int> body)
    {
        var error = p.InvocationConfiguration.Error;
        try
        {
            return Task.FromResult(body(EmbeddedScenarios.LoadOrDefault(p.GetValue(Scenario)), p.GetValue(Seed), p.InvocationConfiguration.Output));
        }
        catch (Exception ex) when (ex is ScenarioException or RegistryException or FileNotFoundException or DirectoryNotFoundException or UsageException)
        {
            error.WriteLine($"meshsim {commandName}: {ex.Message}");
            return Task.FromResult(ExitCodes.BadInput);
        }
    }
}

/// <summary>A command-line argument that makes no sense for the scenario (an unknown host, a bad URL).</summary>
public sealed class UsageException(string message) : Exception(message);
