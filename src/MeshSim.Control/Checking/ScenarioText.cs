using System.Text;
using MeshSim.Control.Registry;
using MeshSim.Control.Topology;

namespace MeshSim.Control.Checking;

/// <summary>
/// Prints a registry and topology as a small YAML document (switches, links, hosts, services,
/// intentions), so that a failing generated case can be read, kept and replayed. Addresses, MACs
/// and ports are quoted: YAML 1.1 readers take 00:00:00:00:00:01 for a base-60 number.
/// </summary>
public static class ScenarioText
{
    /// <summary>The YAML text.</summary>
    public static string Describe(ServiceRegistry registry, NetworkTopology topology)
    {
        var sb = new StringBuilder();
        sb.Append("switches:\n");
        foreach (var s in topology.Switches) sb.Append($"  - {{ name: {s.Name}, id: {s.Id} }}\n");
        sb.Append("links:\n");
        foreach (var l in topology.Links) sb.Append($"  - {{ a: \"{l.SwitchA}:{l.PortA}\", b: \"{l.SwitchB}:{l.PortB}\", kind: {l.Kind.ToString().ToLowerInvariant()} }}\n");
        sb.Append("hosts:\n");
        foreach (var h in topology.Hosts) sb.Append($"  - {{ name: {h.Name}, ip: \"{h.Ip}\", mac: \"{h.Mac}\", port: \"{h.Switch}:{h.Port}\" }}\n");
        sb.Append("services:\n");
        foreach (var s in registry.Services)
        {
            sb.Append($"  - name: {s.Name}\n    instances:\n");
            foreach (var i in s.Instances)
                sb.Append($"      - {{ id: {i.Id}, node: {i.Node}, port: \"{i.Port}\", weight: {i.Weight}, health: {i.Health.ToString().ToLowerInvariant()} }}\n");
            sb.Append("    upstreams:");
            sb.Append(s.Upstreams.Count == 0 ? " []\n" : "\n");
            foreach (var u in s.Upstreams) sb.Append($"      - {{ destination: {u.Destination}, local_bind_port: \"{u.LocalBindPort}\" }}\n");
        }
        sb.Append($"intentions:\n  default: {registry.Policy.Default.ToString().ToLowerInvariant()}\n  rules:");
        sb.Append(registry.Policy.Intentions.Count == 0 ? " []\n" : "\n");
        foreach (var i in registry.Policy.Intentions)
            sb.Append($"    - {{ source: \"{i.Source}\", destination: \"{i.Destination}\", action: {i.Action.ToString().ToLowerInvariant()} }}\n");
        return sb.ToString();
    }
}
