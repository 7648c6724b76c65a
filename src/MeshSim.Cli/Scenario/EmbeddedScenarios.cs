namespace MeshSim.Cli.Scenario;

/// <summary>Scenarios compiled into the binary, so `meshsim run` works from any directory.</summary>
public static class EmbeddedScenarios
{
    /// <summary>Name of the default scenario (the thesis lab).</summary>
    public const string Default = "thesis-lab.yaml";

    /// <summary>The text of an embedded scenario.</summary>
    public static string Read(string name)
    {
        using var stream = typeof(EmbeddedScenarios).Assembly.GetManifestResourceStream(name)
            ?? throw new FileNotFoundException($"no embedded scenario '{name}'");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Loads <paramref name="path"/> (a YAML scenario, or a P4 tutorials topology.json), or the embedded default when it is null.</summary>
    public static ScenarioSpec LoadOrDefault(string? path) =>
        path is null ? ScenarioLoader.Load(Read(Default), $"<embedded>/{Default}")
        : TutorialScenario.IsTutorial(path) ? TutorialScenario.LoadFile(path)
        : ScenarioLoader.LoadFile(path);
}
