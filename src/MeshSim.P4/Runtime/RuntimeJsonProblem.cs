namespace MeshSim.P4.Runtime;

/// <summary>
/// A problem in a runtime JSON file. <see cref="Path"/> names the entry as messages always have
/// (<c>table_entries[2]</c>); <see cref="Field"/> narrows it to the member at fault
/// (<c>table_entries[2].action_name</c>) so a caller holding the text can point at its line and column.
/// <see cref="Line"/> and <see cref="Column"/> are set (1-based) when the file is not valid JSON.
/// </summary>
public sealed record RuntimeJsonProblem(string Path, string Message, string? Field = null, int Line = 0, int Column = 0)
{
    /// <summary>The member at fault, or the entry when no member is.</summary>
    public string Where => Field ?? Path;

    /// <summary>"PATH: MESSAGE" (or the message alone when it concerns the whole file).</summary>
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}
