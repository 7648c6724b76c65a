using MeshSim.Wire;

namespace MeshSim.Control.Topology;

/// <summary>
/// A host (or container, when the switch connects at container level) on a switch port: the unit
/// of addressing in the mesh. Services on the same host share its IP and MAC.
/// </summary>
public sealed record HostAttachment(string Name, Ipv4Address Ip, MacAddress Mac, string Switch, uint Port);
