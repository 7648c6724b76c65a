namespace MeshSim.Cli.Scenario;

/// <summary>A scenario that cannot be used, with where and what was expected:
/// <c>scenarios/lab1.yaml:14:9: links[2].latency: expected a duration such as "2ms", got "2 ms"</c>.</summary>
public sealed class ScenarioException : Exception
{
    /// <summary>One problem at <paramref name="at"/> in <paramref name="file"/>.</summary>
    public ScenarioException(string file, Position at, string message) : base(Format(file, at, message))
    {
        File = file;
        At = at;
        All = [this];
    }

    private ScenarioException(IReadOnlyList<ScenarioException> all) : base(string.Join("\n", all.Select(e => e.Message)))
    {
        File = all[0].File;
        At = all[0].At;
        All = all;
    }

    /// <summary>Several problems found together (a lab whose runtime files both fail), one line each, each with its own file and position.</summary>
    public static ScenarioException Several(IReadOnlyList<ScenarioException> all) => all.Count == 1 ? all[0] : new(all);

    /// <summary>The file of the (first) problem.</summary>
    public string File { get; }
    /// <summary>Where in it.</summary>
    public Position At { get; }
    /// <summary>Every problem, in the order found; this one alone for a single problem.</summary>
    public IReadOnlyList<ScenarioException> All { get; }

    private static string Format(string file, Position at, string message) =>
        $"{file}:{at.Line}:{at.Column}: {(at.Path.Length > 0 ? at.Path + ": " : "")}{message}";
}
