using MeshSim.P4.Model;

namespace MeshSim.P4.Loading;

/// <summary>A load problem: where in the JSON (a path such as <c>pipelines[0].tables[3].actions[1]</c>), what, and the offending fragment;
/// a syntax error has its 1-based <see cref="Line"/> and <see cref="Column"/> instead (0 when unknown).</summary>
public readonly record struct LoadError(string JsonPath, string Message, string? Snippet = null, int Line = 0, int Column = 0)
{
    public override string ToString() =>
        (Line > 0 ? $"line {Line}:{Column}: " : "") + (Snippet is null ? $"{JsonPath}: {Message}" : $"{JsonPath}: {Message} (in {Snippet})");
}

/// <summary>The outcome of loading a bmv2 JSON file: a program, or the errors that prevented it.</summary>
public sealed record P4LoadResult(P4Program? Program, IReadOnlyList<LoadError> Errors)
{
    public bool Success => Program is not null && Errors.Count == 0;
}

/// <summary>Thrown inside the loader to abandon the current object; always caught and turned into a <see cref="LoadError"/>.</summary>
internal sealed class LoadException(string path, string message, string? snippet = null) : Exception(message)
{
    public string JsonPath { get; } = path;
    public string? Snippet { get; } = snippet;
}
