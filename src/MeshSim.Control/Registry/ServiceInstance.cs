using MeshSim.Wire;

namespace MeshSim.Control.Registry;

/// <summary>Health of an instance as the registry reports it (Consul's aggregated check status).</summary>
public enum HealthStatus : byte
{
    /// <summary>All checks pass: the instance takes traffic.</summary>
    Passing,
    /// <summary>A check warns: Consul still routes to it, and so do we.</summary>
    Warning,
    /// <summary>A check fails: the instance leaves every load-balancing group.</summary>
    Critical,
}

/// <summary>
/// One registered instance of a service: where it runs (<see cref="Node"/>, the host name in the
/// topology), the address and port it listens on, the MAC its traffic must be addressed to, and
/// what load balancing needs (<see cref="Weight"/>, <see cref="Health"/>). <see cref="Tags"/> are
/// free-form (e.g. <c>version=v2</c>) and kept for reports and later routing features.
/// </summary>
public sealed record ServiceInstance(
    string Id,
    string Node,
    Ipv4Address Address,
    ushort Port,
    MacAddress Mac,
    IReadOnlyList<string> Tags,
    ushort Weight = 1,
    HealthStatus Health = HealthStatus.Passing)
{
    /// <summary>True when the instance should receive new connections.</summary>
    public bool TakesTraffic => Health != HealthStatus.Critical && Weight > 0;

    /// <summary>"id@node address:port".</summary>
    public override string ToString() => $"{Id}@{Node} {Address}:{Port}";
}
