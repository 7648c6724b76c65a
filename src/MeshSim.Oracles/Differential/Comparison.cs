namespace MeshSim.Oracles.Differential;

/// <summary>Where the two sides disagreed.</summary>
public enum DivergenceKind
{
    /// <summary>The frames a packet caused differ (port, count, or bytes).</summary>
    Output,
    /// <summary>A flow's n_packets/n_bytes differ.</summary>
    FlowCounters,
    /// <summary>A group's or bucket's counters differ.</summary>
    GroupCounters,
    /// <summary>The conntrack tables differ after the sequence.</summary>
    Conntrack,
    /// <summary>OVS installed the pipeline, MeshSim refused it.</summary>
    ModelSetup,
}

/// <summary>One difference, with both sides' text.</summary>
public sealed record Divergence(DivergenceKind Kind, string Where, string Real, string Model)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Kind} {Where}:\n  real:    {Real}\n  meshsim: {Model}";
}

/// <summary>Compares two observations: outputs packet by packet, then counters, then conntrack.</summary>
public static class Comparison
{
    /// <summary>All differences between <paramref name="real"/> and <paramref name="model"/>.</summary>
    public static List<Divergence> Compare(Observation real, Observation model)
    {
        var d = new List<Divergence>();
        for (int i = 0; i < Math.Max(real.Outputs.Count, model.Outputs.Count); i++)
        {
            var r = i < real.Outputs.Count ? real.Outputs[i] : new();
            var m = i < model.Outputs.Count ? model.Outputs[i] : new();
            foreach (var port in r.Keys.Union(m.Keys).Order())
            {
                var rf = r.GetValueOrDefault(port) ?? [];
                var mf = m.GetValueOrDefault(port) ?? [];
                if (!rf.SequenceEqual(mf))
                    d.Add(new(DivergenceKind.Output, $"packet {i} port {port}", Frames(rf), Frames(mf)));
            }
        }
        foreach (var cookie in real.Flows.Keys.Union(model.Flows.Keys).Order())
        {
            var rv = real.Flows.GetValueOrDefault(cookie, "(missing)");
            var mv = model.Flows.GetValueOrDefault(cookie, "(missing)");
            if (rv != mv) d.Add(new(DivergenceKind.FlowCounters, $"cookie=0x{cookie:x}", rv, mv));
        }
        foreach (var id in real.Groups.Keys.Union(model.Groups.Keys).Order())
        {
            var rv = real.Groups.GetValueOrDefault(id, "(missing)");
            var mv = model.Groups.GetValueOrDefault(id, "(missing)");
            if (rv != mv) d.Add(new(DivergenceKind.GroupCounters, $"group_id={id}", rv, mv));
        }
        if (!real.Conntrack.SequenceEqual(model.Conntrack))
            d.Add(new(DivergenceKind.Conntrack, "after the sequence", Lines(real.Conntrack), Lines(model.Conntrack)));
        return d;
    }

    private static string Frames(List<string> f) => f.Count == 0 ? "(nothing)" : string.Join(" | ", f);

    private static string Lines(List<string> l) => l.Count == 0 ? "(empty)" : string.Join("\n           ", l);
}
