namespace MeshSim.P4.Simulation;

/// <summary>
/// A problem in a P4 tutorials lab. <see cref="File"/> is the file it is in as the topology names it
/// (null: topology.json itself); <see cref="Path"/> is the JSON path messages name; <see cref="Field"/>,
/// when set, the member at fault within it; <see cref="Line"/>/<see cref="Column"/> (1-based, 0 unknown)
/// a position the reader already knows (a JSON syntax error, a line of a CLI commands file).
/// A caller holding the file's text can turn the path into a line and column.
/// </summary>
public sealed record LabProblem(string? File, string Path, string Message, string? Field = null, int Line = 0, int Column = 0)
{
    /// <summary>The member to point at: the field when known, else the path.</summary>
    public string Where => Field ?? Path;

    /// <summary>"FILE: PATH: MESSAGE", "FILE:LINE: MESSAGE" or "PATH: MESSAGE", as the lab's errors have always read.</summary>
    public override string ToString()
    {
        var head = File ?? "";
        if (Line > 0) head += (head.Length > 0 ? ":" : "line ") + Line + (Column > 0 ? $":{Column}" : "");
        var body = Path.Length > 0 ? $"{Path}: {Message}" : Message;
        return head.Length > 0 ? $"{head}: {body}" : body;
    }
}
