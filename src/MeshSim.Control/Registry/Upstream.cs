namespace MeshSim.Control.Registry;

/// <summary>
/// A dependency of a service: the service it calls (<see cref="Destination"/>) and the port on the
/// mesh's virtual IP where the caller reaches it (<see cref="LocalBindPort"/>), exactly as Consul's
/// <c>upstreams</c> block and the thesis' <c>upstreams</c> pod annotation say it.
/// </summary>
public sealed record Upstream(string Destination, ushort LocalBindPort)
{
    /// <summary>"destination:port".</summary>
    public override string ToString() => $"{Destination}:{LocalBindPort}";
}
