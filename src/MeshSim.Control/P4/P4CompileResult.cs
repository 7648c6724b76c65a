using MeshSim.Control.Compiler;

namespace MeshSim.Control.P4;

/// <summary>The P4 target's output: entries per switch, the pair bindings they serve, and the backend id of every instance.</summary>
public sealed record P4CompileResult(
    IReadOnlyList<P4SwitchEntries> Switches,
    IReadOnlyList<PairBinding> Pairs,
    IReadOnlyDictionary<string, int> BackendIds,
    IReadOnlyList<string> Warnings)
{
    /// <summary>The entries of switch <paramref name="name"/>.</summary>
    public P4SwitchEntries For(string name) => Switches.First(s => s.Switch == name);
}
