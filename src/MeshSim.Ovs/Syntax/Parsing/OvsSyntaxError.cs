namespace MeshSim.Ovs;

/// <summary>
/// A rejected flow or group: where (1-based line and column; line 0 for a single string) and why,
/// worded like OVS's own message for the same mistake.
/// </summary>
public sealed record OvsSyntaxError(int Line, int Column, string Message)
{
    /// <summary><c>file:line:column: message</c>, the form compilers and editors understand.</summary>
    public string ToString(string file) => $"{file}:{Line}:{Column}: {Message}";

    /// <inheritdoc/>
    public override string ToString() => Line > 0 ? $"{Line}:{Column}: {Message}" : $"column {Column}: {Message}";
}

/// <summary>Thrown by the strict parse methods; carries the <see cref="OvsSyntaxError"/>.</summary>
public sealed class OvsSyntaxException(OvsSyntaxError error) : FormatException(error.ToString())
{
    /// <summary>The error.</summary>
    public OvsSyntaxError Error { get; } = error;
}
