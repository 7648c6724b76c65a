namespace MeshSim.Control.Sources.Kubernetes;

/// <summary>
/// The pod annotations the controller reads. MeshSim's own prefix is <c>meshsim.dev/</c>; the
/// thesis' prefix <c>ovs.servicemesh.arkadiuss.dev/</c> is accepted too, so its manifests work
/// unchanged. When both are present, MeshSim's wins.
/// </summary>
public static class MeshAnnotations
{
    /// <summary>MeshSim's prefix.</summary>
    public const string Prefix = "meshsim.dev/";
    /// <summary>The thesis' prefix, accepted for compatibility.</summary>
    public const string ThesisPrefix = "ovs.servicemesh.arkadiuss.dev/";

    /// <summary>"true" to register the pod in the mesh (thesis: consul-register).</summary>
    public const string Register = "consul-register";
    /// <summary>"name:port,name:port": upstream services and their local bind ports on the virtual IP.</summary>
    public const string Upstreams = "upstreams";
    /// <summary>The mesh's CNI network name (thesis: ovs-cni-network-name).</summary>
    public const string NetworkName = "ovs-cni-network-name";
    /// <summary>The service this pod serves (default: label "app", then the pod name).</summary>
    public const string Service = "service";
    /// <summary>The port it listens on (default: the first container port).</summary>
    public const string Port = "port";
    /// <summary>Multus/OVS CNI status annotation: JSON list of networks with ips and mac.</summary>
    public const string NetworkStatus = "k8s.v1.cni.cncf.io/network-status";

    /// <summary>Reads <paramref name="key"/> under either prefix.</summary>
    public static string? Get(IReadOnlyDictionary<string, string> annotations, string key) =>
        annotations.TryGetValue(Prefix + key, out var ours) ? ours
        : annotations.TryGetValue(ThesisPrefix + key, out var thesis) ? thesis : null;
}
