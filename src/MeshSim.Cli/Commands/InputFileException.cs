namespace MeshSim.Cli.Commands;

/// <summary>An input file other than a scenario that cannot be used (a capture that is no capture):
/// bad input, exit code 2, but not a usage error, so its line has no <c>--help</c> hint.</summary>
public sealed class InputFileException(string message) : Exception(message);
