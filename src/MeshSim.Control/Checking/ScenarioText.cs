using System.Globalization;
using System.Text;
using MeshSim.Control.Compiler;
using MeshSim.Control.Registry;
using MeshSim.Control.Simulation;
using MeshSim.Control.Topology;

namespace MeshSim.Control.Checking;

/// <summary>
/// Prints a registry, topology and mesh options as a MeshSim scenario (docs/scenarios.md), so a
/// failing generated case can be kept as a file and replayed with <c>meshsim run</c> or
/// <c>meshsim compile</c>. Addresses and MACs are quoted: YAML 1.1 readers take
/// 00:00:00:00:00:01 for a base-60 number.
/// </summary>
/// <remarks>
/// The scenario format knows health as <c>healthy: true|false</c> and weights from 1: a critical
/// instance or one of weight 0 (both take no new connections) is written <c>healthy: false</c>;
/// a warning instance (still routed to) is written healthy.
/// </remarks>
public static class ScenarioText
{
    /// <summary>
    /// The scenario text. <paramref name="expect"/> lines (<c>reach: a@h1 -> b</c>, <c>deny: ...</c>)
    /// become its <c>expect:</c> list, and each <c>reach</c> also gets a small traffic run, so that
    /// <c>meshsim run</c> checks what a property checked and fails where it failed.
    /// </summary>
    public static string Describe(ServiceRegistry registry, NetworkTopology topology, MeshOptions options, string name = "generated",
        SwitchKind kind = SwitchKind.Ovs, IReadOnlyList<string>? expect = null)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(ci, $"name: {name}\n");
        sb.Append(ci, $"mesh: {{ virtual_ip: \"{options.VirtualIp}\", virtual_mac: \"{options.VirtualMac}\", arp: {(options.Arp == ArpMode.Responder ? "responder" : "static")} }}\n");
        var prefix = Prefix(topology.Hosts.Select(h => h.Ip.Value).Append(options.VirtualIp.Value));
        sb.Append("hosts:\n");
        foreach (var h in topology.Hosts) sb.Append(ci, $"  - {{ name: {h.Name}, ip: \"{h.Ip}/{prefix}\", mac: \"{h.Mac}\" }}\n");
        sb.Append("switches:\n");
        // Switch ids follow list order in scenarios; write them in id order so ids are kept.
        foreach (var s in topology.Switches.OrderBy(s => s.Id)) sb.Append(ci, $"  - {{ name: {s.Name}{(kind == SwitchKind.P4 ? ", kind: p4" : "")} }}\n");
        sb.Append("links:\n");
        foreach (var h in topology.Hosts) sb.Append(ci, $"  - {{ a: \"{h.Name}\", b: \"{h.Switch}:{h.Port}\" }}\n");
        foreach (var l in topology.Links) sb.Append(ci, $"  - {{ a: \"{l.SwitchA}:{l.PortA}\", b: \"{l.SwitchB}:{l.PortB}\" }}\n");
        sb.Append("services:\n");
        foreach (var s in registry.Services)
        {
            sb.Append(ci, $"  - name: {s.Name}\n    instances:\n");
            foreach (var i in s.Instances)
                sb.Append(ci, $"      - {{ host: {i.Node}, port: {i.Port}, weight: {Math.Max((ushort)1, i.Weight)}, healthy: {(i.TakesTraffic ? "true" : "false")} }}   # {i.Id}\n");
            if (s.Upstreams.Count > 0)
                sb.Append("    upstreams: { ").Append(string.Join(", ", s.Upstreams.Select(u => $"{u.Destination}: {u.LocalBindPort}"))).Append(" }\n");
        }
        sb.Append(ci, $"intentions:\n  default: {(registry.Policy.Default == IntentionAction.Allow ? "allow" : "deny")}\n");
        if (registry.Policy.Intentions.Count > 0)
        {
            sb.Append("  rules:\n");
            foreach (var i in registry.Policy.Intentions)
                sb.Append(ci, $"    - {{ source: \"{i.Source}\", destination: \"{i.Destination}\", action: {(i.Action == IntentionAction.Allow ? "allow" : "deny")} }}\n");
        }
        if (expect is { Count: > 0 })
        {
            var runs = expect.Where(e => e.StartsWith("reach:", StringComparison.Ordinal))
                .Select(e => e["reach:".Length..].Split("->", StringSplitOptions.TrimEntries))
                .Select(p => (Source: p[0].Split('@')[0], Destination: p[1])).Distinct().ToList();
            if (runs.Count > 0)
            {
                sb.Append("traffic:\n");
                foreach (var (src, dst) in runs)
                {
                    var port = registry.Find(src)!.Upstreams.First(u => u.Destination == dst).LocalBindPort;
                    sb.Append(ci, $"  - {{ name: {src}-{dst}, from: {src}, url: \"http://{options.VirtualIp}:{port}/\", requests: 3 }}\n");
                }
            }
            sb.Append("expect:\n");
            foreach (var e in expect) sb.Append(ci, $"  - {e}\n");
        }
        return sb.ToString();
    }

    private static int Prefix(IEnumerable<uint> addresses)
    {
        uint and = uint.MaxValue, or = 0;
        foreach (var a in addresses) { and &= a; or |= a; }
        var differ = and ^ or;
        return Math.Min(differ == 0 ? 32 : System.Numerics.BitOperations.LeadingZeroCount(differ), 30);
    }
}
