using MeshSim.Stack.Sockets;
using MeshSim.Wire;

namespace MeshSim.Cli.Scenario;

/// <summary>A scenario file, bound and validated: what to build, what to run, what to check.
/// docs/scenarios.md is the reference for the YAML form.</summary>
public sealed record ScenarioSpec(
    string Name,
    string? Description,
    ulong Seed,
    long UntilNs,
    MeshSpec Mesh,
    IReadOnlyList<HostSpec> Hosts,
    IReadOnlyList<SwitchSpec> Switches,
    IReadOnlyList<LinkSpec> Links,
    IReadOnlyList<ServiceSpec> Services,
    IntentionsSpec Intentions,
    IReadOnlyList<TrafficSpec> Traffic,
    CaptureSpec? Capture,
    IReadOnlyList<ExpectationSpec> Expectations,
    string SourcePath)
{
    /// <summary>Set when the scenario is a P4 tutorials lab (topology.json): the world is built from it.</summary>
    public MeshSim.P4.Simulation.TutorialLab? Tutorial { get; init; }
}

/// <summary>Mesh-wide settings: the virtual IP clients call and how hosts learn its MAC.</summary>
/// <param name="VirtualIp">The address clients call.</param>
/// <param name="VirtualMac">The MAC the ARP responder (or the static entries) give the virtual IP.</param>
/// <param name="Arp">"responder" (switch flows answer ARP) or "static" (an entry on every host).</param>
public sealed record MeshSpec(Ipv4Address VirtualIp, MacAddress VirtualMac, string Arp);

/// <summary>A host. An <see cref="External"/> host is not simulated: its switch port is left free for
/// <c>meshsim emulate --attach</c> to bridge to a real interface with that address and MAC.</summary>
public sealed record HostSpec(string Name, Ipv4Address Ip, MacAddress Mac, int PrefixLength, int Cores, Position At, bool External = false,
    EphemeralPortChoice Ports = EphemeralPortChoice.Sequential)
{
    /// <summary>Where the address is written (for "used by another host"); unset for hosts not read from YAML.</summary>
    public Position IpAt { get; init; }
    /// <summary>Where the MAC is written.</summary>
    public Position MacAt { get; init; }
}

/// <summary>
/// A switch. For <c>kind: ovs</c>, <see cref="FlowsFile"/>/<see cref="GroupsFile"/> replace compiled rules with
/// hand-written ones. For <c>kind: p4</c>, <see cref="ProgramFile"/> (bmv2 JSON) replaces the mesh program,
/// and <see cref="CommandsFile"/> (simple_switch_CLI lines) and <see cref="RuntimeFile"/> (a P4 tutorials
/// sX-runtime.json) fill its tables instead of the controller's entries.
/// </summary>
public sealed record SwitchSpec(string Name, string Kind, string? FlowsFile, string? GroupsFile, Position At,
                                string? ProgramFile = null, string? CommandsFile = null, string? RuntimeFile = null)
{
    /// <summary>True for a P4 switch that runs the mesh program with the controller's entries.</summary>
    public bool RunsMeshProgram => Kind == "p4" && ProgramFile is null;
}

/// <summary>A link between two ends, each "node" or "node:port".</summary>
public sealed record LinkSpec(Endpoint A, Endpoint B, long LatencyNs, long BitsPerSecond, int QueueFrames, double Loss, Position At)
{
    /// <summary>Where end <see cref="A"/> is written, so an unknown node is pointed at exactly.</summary>
    public Position AAt { get; init; }
    /// <summary>Where end <see cref="B"/> is written.</summary>
    public Position BAt { get; init; }
}

/// <summary>One end of a link; <see cref="Port"/> null means "next free port number".</summary>
public sealed record Endpoint(string Node, uint? Port)
{
    /// <inheritdoc/>
    public override string ToString() => Port is null ? Node : $"{Node}:{Port}";
}

/// <summary>A service, its instances, the upstreams it calls (name -> local bind port on the VIP) and its app model.</summary>
public sealed record ServiceSpec(string Name, IReadOnlyList<InstanceSpec> Instances, IReadOnlyDictionary<string, ushort> Upstreams,
                                 AppSpec App, Position At)
{
    /// <summary>Where each upstream's name is written (its key under <c>upstreams:</c>).</summary>
    public IReadOnlyDictionary<string, Position> UpstreamsAt { get; init; } = new Dictionary<string, Position>();
}

/// <summary>An instance of a service on a host.</summary>
public sealed record InstanceSpec(string Host, ushort Port, int Weight, bool Healthy, IReadOnlyList<string> Tags, Position At)
{
    /// <summary>Where the host name is written.</summary>
    public Position HostAt { get; init; }
}

/// <summary>How a service's app behaves: which model, how long it computes, how much it answers.</summary>
public sealed record AppSpec(string Kind, long ServiceTimeNs, int ResponseBytes);

/// <summary>Intentions: a default and explicit source -> destination rules (Consul's precedence applies).</summary>
public sealed record IntentionsSpec(string Default, IReadOnlyList<IntentionSpec> Rules);

/// <summary>One intention; "*" is a wildcard on either side.</summary>
public sealed record IntentionSpec(string Source, string Destination, string Action, Position At)
{
    /// <summary>Where the source name is written.</summary>
    public Position SourceAt { get; init; }
    /// <summary>Where the destination name is written.</summary>
    public Position DestinationAt { get; init; }
}

/// <summary>A load-generator run (fortio-like).</summary>
public sealed record TrafficSpec(string Name, string From, string Url, int Requests, int Concurrency, double Qps, long StartNs, Position At,
    bool KeepAlive = true, long DurationNs = 0)
{
    /// <summary>Where the client (<c>from:</c>) is written.</summary>
    public Position FromAt { get; init; }
}

/// <summary>Where to write captures.</summary>
public sealed record CaptureSpec(string Directory, string Format);

/// <summary>An expectation, checked after the run; <see cref="Text"/> is how the user wrote it.</summary>
public sealed record ExpectationSpec(string Kind, string Text, Position At);

/// <summary>A 1-based line and column in the scenario file, with the YAML path ("links[2].latency").</summary>
public readonly record struct Position(int Line, int Column, string Path)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Line}:{Column}";

    /// <summary>True for a position read from a file (line 1 or later); a default one is unset.</summary>
    public bool IsSet => Line > 0;

    /// <summary>This position when set, else <paramref name="fallback"/>: a reference read from YAML is
    /// pointed at exactly, one built in code falls back to its enclosing item.</summary>
    public Position Or(Position fallback) => IsSet ? this : fallback;
}
