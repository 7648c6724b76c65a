using System.Globalization;
using System.Text;
using MeshSim.Control.Rules;

namespace MeshSim.Control.Compiler;

/// <summary>The short human-readable summary <c>meshsim compile</c> writes next to the rule files.</summary>
public static class CompileReport
{
    /// <summary>Rule counts per switch, pair bindings with their cookies (the keys of the flow statistics), warnings, and how to load the files.</summary>
    public static string Text(CompileResult result, MeshOptions options)
    {
        var sb = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        sb.Append(ci, $"virtual IP {options.VirtualIp} at {options.VirtualMac}, ARP: {(options.Arp == ArpMode.Responder ? "answered by switch flows" : "static entries on every host")}\n\n");
        sb.Append("switch      flows  groups  pair flows\n");
        foreach (var rs in result.RuleSets)
            sb.Append(ci, $"{rs.Switch,-10} {rs.Flows.Count,6} {rs.Groups.Count,7} {rs.Flows.Count(f => Cookies.KindOf(f.Flow.Cookie) is CookieKind.PairAllow or CookieKind.PairDeny),11}\n");
        sb.Append("\npairs (cookie: source@host -> destination (:bind port) decision)\n");
        foreach (var p in result.Pairs)
            sb.Append(ci, $"0x{p.Cookie:x16}  {p}\n");
        if (result.Warnings.Count > 0)
        {
            sb.Append("\nwarnings\n");
            foreach (var w in result.Warnings) sb.Append("  ").Append(w).Append('\n');
        }
        sb.Append("\nload on a real switch (groups first: flows refer to them):\n");
        sb.Append("  ovs-ofctl -O OpenFlow15 add-groups BRIDGE SWITCH.groups\n");
        sb.Append("  ovs-ofctl -O OpenFlow15 --bundle replace-flows BRIDGE SWITCH.flows\n");
        if (options.Arp == ArpMode.Static)
            sb.Append(ci, $"  and on every host: ip neigh replace {options.VirtualIp} lladdr {options.VirtualMac} dev IFACE nud permanent\n");
        return sb.ToString();
    }
}
