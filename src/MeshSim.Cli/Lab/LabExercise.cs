using MeshSim.Cli.Run;
using MeshSim.Cli.Scenario;

namespace MeshSim.Cli.Lab;

/// <summary>An expectation every solution must meet, whatever the student's file says, with the hint shown when it fails.</summary>
public sealed record RequiredExpectation(string Kind, string Text, string Hint);

/// <summary>What an exercise-specific check looks at: the student's scenario, the world after the run, the report.</summary>
public sealed record LabOutcome(ScenarioSpec Spec, ScenarioWorld World, RunReport Report);

/// <summary>
/// A teaching lab: a folder under scenarios/labs/ with README.md and lab.yaml. The check runs the
/// student's lab.yaml with <see cref="Required"/> added to its own expectations, then
/// <see cref="Checks"/>; each returns plain-words problems (none when that part is solved).
/// </summary>
public sealed record LabExercise(
    string Name,
    string Title,
    IReadOnlyList<RequiredExpectation> Required,
    IReadOnlyList<Func<LabOutcome, IEnumerable<string>>> Checks);
