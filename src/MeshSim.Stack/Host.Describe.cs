using System.Text;

namespace MeshSim.Stack;

// A text view of a host's state in the shape of `ip addr`, `ip route`, `ip neigh` and `ss -t`,
// for traces, labs and test failure messages. Sorted, so the same state always prints the same.
public sealed partial class Host
{
    /// <summary>Interfaces, routes, live neighbours and TCP sockets as text.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append("host ").Append(Name).Append('\n');
        foreach (var i in _interfaces)
            sb.Append($"  link {i.Port.Name} {i.Mac} mtu {i.Mtu}{(i.Port.IsLive ? "" : " DOWN")}\n    inet {i.Address}/{i.PrefixLength}\n");
        foreach (var r in Routes.Routes) sb.Append("  route ").Append(r).Append('\n');
        foreach (var i in _interfaces)
            foreach (var n in i.Arp.Describe(Sim.Now)) sb.Append("  neigh ").Append(n).Append(" dev ").Append(i.Port.Name).Append('\n');
        foreach (var l in _listeners.Values.OrderBy(l => l.Port)) sb.Append($"  tcp LISTEN *:{l.Port} backlog {l.Backlog}\n");
        foreach (var s in _tcp.Values.OrderBy(s => s.LocalAddress).ThenBy(s => s.LocalPort).ThenBy(s => s.RemoteAddress).ThenBy(s => s.RemotePort))
            sb.Append($"  tcp {s.State} {s.LocalAddress}:{s.LocalPort} {s.RemoteAddress}:{s.RemotePort}\n");
        foreach (var u in _udp.Keys.Order()) sb.Append($"  udp *:{u}\n");
        return sb.ToString();
    }
}
