namespace MeshSim.Cli.Scenario;

/// <summary>A scenario that cannot be used, with where and what was expected:
/// <c>scenarios/lab1.yaml:14:9: links[2].latency: expected a duration such as "2ms", got "2 ms"</c>.</summary>
public sealed class ScenarioException(string file, Position at, string message)
    : Exception($"{file}:{at.Line}:{at.Column}: {(at.Path.Length > 0 ? at.Path + ": " : "")}{message}")
{
    /// <summary>The scenario file.</summary>
    public string File { get; } = file;
    /// <summary>Where in it.</summary>
    public Position At { get; } = at;
}
