using MeshSim.Control.Rules;

namespace MeshSim.Control.Live;

/// <summary>Where a switch's rules go: a simulated bridge, a real Open vSwitch, or a printout.
/// <see cref="Apply"/> must be atomic: either the whole diff is in effect afterwards or none of it.</summary>
public interface ISwitchSink
{
    /// <summary>The switch (topology name) this sink serves.</summary>
    string Switch { get; }

    /// <summary>Applies <paramref name="diff"/>; throws <see cref="SinkException"/> if the switch refused it (then nothing changed).</summary>
    void Apply(RuleSetDiff diff);
}

/// <summary>A switch refused an update; it still holds its previous rules.</summary>
public sealed class SinkException(string message, Exception? inner = null) : Exception(message, inner);
