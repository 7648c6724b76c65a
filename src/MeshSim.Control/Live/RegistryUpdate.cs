using MeshSim.Control.Registry;

namespace MeshSim.Control.Live;

/// <summary>What a source says at one moment: a new registry snapshot (with the entries it had to
/// reject), or that it cannot be read right now (<see cref="Outage"/>), in which case the switches
/// keep their rules (fail-static).</summary>
public sealed record RegistryUpdate(string Source, ServiceRegistry? Registry, IReadOnlyList<string> Rejected, string? Outage)
{
    /// <summary>A usable snapshot.</summary>
    public static RegistryUpdate Snapshot(string source, ServiceRegistry registry, IReadOnlyList<string>? rejected = null) => new(source, registry, rejected ?? [], null);

    /// <summary>The source is unreachable or answered garbage.</summary>
    public static RegistryUpdate Down(string source, string why) => new(source, null, [], why);
}
