using MeshSim.Control.Registry;
using MeshSim.Control.Topology;

namespace MeshSim.Control.Compiler;

/// <summary>
/// One (client host, bind port) → upstream binding: what a packet from <see cref="Host"/> to
/// virtual-IP:<see cref="Port"/> means. <see cref="Source"/> is the calling service (with host-level
/// attachment several services of one host may share a binding only if they agree on it).
/// </summary>
public sealed record PairBinding(HostAttachment Host, ushort Port, string Source, string Destination, bool Allowed, Intention? DecidedBy)
{
    /// <summary>The cookie of this pair's flow.</summary>
    public ulong Cookie => Cookies.Pair(Source, Destination, Allowed);

    /// <summary>"source@host -> destination (vip:port) allow|deny [by intention|default]".</summary>
    public override string ToString() =>
        $"{Source}@{Host.Name} -> {Destination} (:{Port}) {(Allowed ? "allow" : "deny")} [{(DecidedBy is { } i ? "intention " + i : "default policy")}]";
}
