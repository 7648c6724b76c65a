using MeshSim.Wire;

namespace MeshSim.Control.Sources.Kubernetes;

/// <summary>A pod that asked to join the mesh, with what the controller needs from it: the service it
/// serves, where it runs, its address on the mesh network (from the OVS CNI plugin's network-status
/// annotation), the port it listens on, and its upstreams (name -> local bind port on the virtual IP).</summary>
public sealed record MeshPod(
    string Namespace,
    string Name,
    string Service,
    string Node,
    Ipv4Address Ip,
    MacAddress Mac,
    ushort Port,
    IReadOnlyDictionary<string, ushort> Upstreams,
    string? NetworkName,
    string Source);
