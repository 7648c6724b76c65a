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

    /// <summary>Loads <paramref name="path"/> (a YAML scenario, or a P4 tutorials topology.json), or the embedded
    /// default when it is null; <paramref name="program"/> (<c>--program</c>) is the bmv2 JSON every switch of a topology.json runs.</summary>
    /// <exception cref="Commands.UsageException"><paramref name="program"/> is given for a YAML scenario.</exception>
    public static ScenarioSpec LoadOrDefault(string? path, string? program = null, ScenarioLimits? limits = null)
    {
        if (path is not null && TutorialScenario.IsTutorial(path)) return TutorialScenario.LoadFile(path, program, limits);
        if (program is not null)
            throw new Commands.UsageException("--program is for a P4 tutorials topology.json; a YAML scenario names a P4 switch's program with `program:`");
        return path is null ? ScenarioLoader.Load(Read(Default), $"<embedded>/{Default}", limits) : ScenarioLoader.LoadFile(path, limits);
    }
}
