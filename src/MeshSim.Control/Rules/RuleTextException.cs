namespace MeshSim.Control.Rules;

/// <summary>Rule text that cannot be read: <see cref="Line"/> and <see cref="Column"/> are 1-based and the message says what was expected.</summary>
public sealed class RuleTextException(int line, int column, string message)
    : FormatException($"{line}:{column}: {message}")
{
    /// <summary>1-based line.</summary>
    public int Line { get; } = line;
    /// <summary>1-based column.</summary>
    public int Column { get; } = column;
}
