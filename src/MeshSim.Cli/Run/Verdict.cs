namespace MeshSim.Cli.Run;

/// <summary>The outcome of one expectation: held or not, and what was observed.</summary>
public sealed record Verdict(string Expectation, bool Held, string Observed);
