using MeshSim.Wire;

namespace MeshSim.Stack.Iface;

/// <summary>One route: destinations matching <see cref="Prefix"/>/<see cref="PrefixLength"/> leave
/// through <see cref="Interface"/>, to <see cref="Gateway"/> if set, else directly (on-link).</summary>
public sealed record Route(Ipv4Address Prefix, int PrefixLength, NetInterface Interface, Ipv4Address? Gateway = null)
{
    /// <summary>Network mask for <see cref="PrefixLength"/>.</summary>
    public uint Mask => PrefixLength == 0 ? 0 : uint.MaxValue << (32 - PrefixLength);

    /// <summary>True when <paramref name="destination"/> falls in this route's prefix.</summary>
    public bool Matches(Ipv4Address destination) => (destination.Value & Mask) == (Prefix.Value & Mask);

    /// <summary>"10.0.0.0/24 dev h1-eth0" or "0.0.0.0/0 via 10.0.0.254 dev h1-eth0" (ip route style).</summary>
    public override string ToString() =>
        $"{Prefix}/{PrefixLength}{(Gateway is { } g ? $" via {g}" : "")} dev {Interface.Port.Name}";
}

/// <summary>
/// Longest-prefix-match routing for a host (a handful of routes: one connected route per interface,
/// maybe a default). Ties go to the route added first, so lookups are deterministic.
/// </summary>
public sealed class RouteTable
{
    private readonly List<Route> _routes = new();

    /// <summary>Routes in the order added.</summary>
    public IReadOnlyList<Route> Routes => _routes;

    /// <summary>Adds a route.</summary>
    public void Add(Route route)
    {
        if (route.PrefixLength is < 0 or > 32) throw new ArgumentOutOfRangeException(nameof(route), $"prefix length {route.PrefixLength} is not in 0..32");
        _routes.Add(route);
    }

    /// <summary>Adds a default route via <paramref name="gateway"/>.</summary>
    public void AddDefault(NetInterface iface, Ipv4Address gateway) => Add(new Route(Ipv4Address.Any, 0, iface, gateway));

    /// <summary>The best route for <paramref name="destination"/>, or null.</summary>
    public Route? Lookup(Ipv4Address destination)
    {
        Route? best = null;
        foreach (var r in _routes)
            if (r.Matches(destination) && (best is null || r.PrefixLength > best.PrefixLength)) best = r;
        return best;
    }
}
