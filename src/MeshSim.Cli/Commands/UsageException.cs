namespace MeshSim.Cli.Commands;

/// <summary>A command-line argument that makes no sense for the scenario (an unknown host, a bad URL);
/// reported like a parse error, as one line with a <c>--help</c> hint and exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
