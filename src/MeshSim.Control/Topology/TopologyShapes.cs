namespace MeshSim.Control.Topology;

/// <summary>
/// Builds the inter-switch links of the two shapes the thesis uses. Link ports are numbered from
/// <c>firstLinkPort</c> upwards on each switch, after the host ports.
/// </summary>
public static class TopologyShapes
{
    /// <summary>
    /// A tree: switch i (i ≥ 1, in list order) hangs below switch (i−1)/fanout, as in the thesis lab
    /// where s2 hangs below s1. Each switch's uplink is its port <paramref name="firstLinkPort"/>;
    /// downlinks follow it.
    /// </summary>
    public static IReadOnlyList<SwitchLink> Tree(IReadOnlyList<SwitchNode> switches, int fanout, uint firstLinkPort, LinkKind kind = LinkKind.Patch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fanout, 1);
        var next = switches.ToDictionary(s => s.Name, _ => firstLinkPort, StringComparer.Ordinal);
        var links = new List<SwitchLink>();
        for (int i = 1; i < switches.Count; i++)
        {
            var child = switches[i];
            var parent = switches[(i - 1) / fanout];
            // A parent precedes its children, so its uplink (if any) already took its first link port.
            var up = next[child.Name]++;
            var down = next[parent.Name]++;
            links.Add(new SwitchLink(child.Name, up, parent.Name, down, kind));
        }
        return links;
    }

    /// <summary>A full mesh: every pair of switches is joined directly (VXLAN tunnels in the thesis' Kubernetes design).</summary>
    public static IReadOnlyList<SwitchLink> FullMesh(IReadOnlyList<SwitchNode> switches, uint firstLinkPort, LinkKind kind = LinkKind.Vxlan)
    {
        var next = switches.ToDictionary(s => s.Name, _ => firstLinkPort, StringComparer.Ordinal);
        var links = new List<SwitchLink>();
        for (int i = 0; i < switches.Count; i++)
            for (int j = i + 1; j < switches.Count; j++)
                links.Add(new SwitchLink(switches[i].Name, next[switches[i].Name]++, switches[j].Name, next[switches[j].Name]++, kind));
        return links;
    }
}
