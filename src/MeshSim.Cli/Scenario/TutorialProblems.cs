using MeshSim.P4.Simulation;

namespace MeshSim.Cli.Scenario;

/// <summary>
/// Turns the problems of a P4 tutorials lab into one <see cref="ScenarioException"/> whose lines each point
/// into the file at fault: topology.json for its own members, the runtime JSON or CLI commands file for
/// theirs (paths taken relative to the topology, as the topology names them).
/// </summary>
internal static class TutorialProblems
{
    /// <summary>The exception for <paramref name="problems"/> (at least one) of the lab at <paramref name="topologyPath"/>.</summary>
    public static ScenarioException ToException(string topologyPath, IReadOnlyList<LabProblem> problems)
    {
        var errors = problems.Select(p => Locate(topologyPath, p)).ToList();
        return errors.Count == 1 ? errors[0] : ScenarioException.Several(errors);
    }

    private static ScenarioException Locate(string topologyPath, LabProblem p)
    {
        var file = p.File is null ? topologyPath : Path.Combine(Path.GetDirectoryName(topologyPath) ?? "", p.File);
        var at = p.Line > 0 ? new Position(p.Line, Math.Max(1, p.Column), "") : PositionIn(file, p.Where);
        // The path still names the member (hosts.h1): the line points at it, the path says what it is,
        // so a message that begins with the same member ("action_params.port: ...") drops its copy.
        var message = p.Message;
        int colon = message.IndexOf(": ", StringComparison.Ordinal);
        if (colon > 0 && p.Where.EndsWith(message[..colon], StringComparison.Ordinal)) message = message[(colon + 2)..];
        return new ScenarioException(file, at with { Path = p.Where }, message);
    }

    private static Position PositionIn(string file, string path)
    {
        string text;
        try { text = File.ReadAllText(file); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return new Position(1, 1, ""); }
        var (line, column) = JsonPositions.Locate(text, path);
        return new Position(line, column, "");
    }
}
