using MeshSim.Control.Rules;

namespace MeshSim.Control.Compiler;

/// <summary>The compiler's output: a rule set per switch, the pair bindings behind the pair flows, and the group id of each upstream service.</summary>
public sealed record CompileResult(
    IReadOnlyList<RuleSet> RuleSets,
    IReadOnlyList<PairBinding> Pairs,
    IReadOnlyDictionary<string, uint> GroupIds,
    IReadOnlyList<string> Warnings)
{
    /// <summary>The rule set of switch <paramref name="name"/>.</summary>
    public RuleSet For(string name) => RuleSets.First(r => r.Switch == name);
}
