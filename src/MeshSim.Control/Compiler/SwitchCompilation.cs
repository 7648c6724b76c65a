using MeshSim.Control.Registry;
using MeshSim.Control.Rules;
using MeshSim.Control.Topology;

namespace MeshSim.Control.Compiler;

/// <summary>
/// One switch's compiled rules with what they were made from: the bindings of its local hosts
/// (which decide every flow that depends on the registry), the groups in the order the bindings
/// first used them, and the warnings that depend on the topology alone. The incremental compiler
/// keeps these to tell which switches an update touches.
/// </summary>
internal sealed record SwitchCompilation(
    SwitchNode Switch,
    RuleSet Rules,
    IReadOnlyList<PairBinding> LocalPairs,
    IReadOnlyList<(uint Gid, string Destination)> GroupOrder,
    IReadOnlyList<string> PathWarnings)
{
    /// <summary>This switch's warnings, as a full compile emits them: empty groups first (in binding order), then missing paths.</summary>
    public void AddWarnings(ServiceRegistry registry, List<string> warnings)
    {
        foreach (var (_, destination) in GroupOrder)
            if (!registry.Find(destination)!.Instances.Any(i => i.TakesTraffic))
                warnings.Add($"{Switch.Name}: {destination} has no healthy instance; its group drops new connections");
        warnings.AddRange(PathWarnings);
    }
}
