using MeshSim.Cli.Scenario;
using MeshSim.Stack.Apps.Sidecar;

namespace MeshSim.Cli.Experiment;

/// <summary>An experiment file, bound: the layouts (ordinary scenario files), the tests to load them
/// with, the concurrency levels, and the two meshes' parameters. docs/thesis-table4.md describes the form.</summary>
public sealed record ExperimentSpec(
    string Name,
    ulong Seed,
    int Requests,
    IReadOnlyList<int> Concurrency,
    IReadOnlyList<LayoutSpec> Layouts,
    IReadOnlyList<LoadTestSpec> Tests,
    SidecarMeshSpec Sidecar,
    SwitchMeshSpec Switch,
    string SourcePath);

/// <summary>A pod placement ("SN", "MN") and the scenario that holds it.</summary>
public sealed record LayoutSpec(string Name, ScenarioSpec Scenario);

/// <summary>A fortio run: from a service's host, to one of its upstreams, on a path.</summary>
public sealed record LoadTestSpec(string Name, string From, string Upstream, string Path, Position At);

/// <summary>The sidecar mesh: proxies' costs, the L2 fabric the nodes sit on, where inbound listeners start, the fabric's per-packet cost.</summary>
public sealed record SidecarMeshSpec(SidecarCosts Costs, string FabricFlowsFile, ushort FirstInboundPort, long PerPacketNs);

/// <summary>The switch mesh: the compiled OVS rules, plus a per-packet cost for each switch a packet crosses.</summary>
public sealed record SwitchMeshSpec(long PerPacketNs);

/// <summary>The two data planes compared.</summary>
public enum MeshKind
{
    /// <summary>Consul Connect style: a proxy beside every app.</summary>
    Sidecar,
    /// <summary>The thesis' design: the switches' compiled rules do discovery and load balancing.</summary>
    Switch,
}
