using MeshSim.Fuzz.Targets;

namespace MeshSim.Fuzz;

/// <summary>Every target, by name; a new parser gets a target here.</summary>
public static class FuzzTargets
{
    /// <summary>Fresh instances (targets keep per-campaign state such as loaded programs).</summary>
    public static IReadOnlyList<FuzzTarget> All() =>
    [
        new ScenarioTarget(), new TopologyTarget(), new OvsFlowsTarget(), new OvsGroupsTarget(), new PcapTarget(), new FrameTarget(),
        new MeshHeaderTarget(), new HttpHeadTarget(), new Bmv2Target(), new RuntimeTarget(), new RuntimeJsonTarget(), new ConsulTarget(),
    ];

    /// <summary>The target called <paramref name="name"/>, or null.</summary>
    public static FuzzTarget? Named(string name) => All().FirstOrDefault(t => t.Name == name);
}
