namespace MeshSim.Oracles.Differential;

/// <summary>
/// The generator's categories present in a case (what the distribution counts), and the
/// category a minimal diverging case is filed under.
/// </summary>
public static class Features
{
    /// <summary>Every category the case exercises.</summary>
    public static SortedSet<string> Of(DiffCase c)
    {
        var f = new SortedSet<string>(StringComparer.Ordinal);
        var text = string.Join('\n', c.Flows);
        void If(bool cond, string name) { if (cond) f.Add(name); }
        If(text.Contains("ct("), "ct");
        If(System.Text.RegularExpressions.Regex.IsMatch(text, @"zone=[1-9]"), "ct-zone");
        If(text.Contains("ct(commit"), "ct-commit");
        If(text.Contains("nat(dst"), "nat-dst");
        If(text.Contains("nat(src"), "nat-src");
        If(text.Contains(",nat)") || text.Contains(",nat,"), "nat-reverse");
        If(System.Text.RegularExpressions.Regex.IsMatch(text, @"nat\([a-z]+=[0-9.:]+-"), "nat-range");
        If(text.Contains("->ct_mark"), "ct-mark-set");
        If(text.Contains("ct_mark="), "ct-mark-match");
        If(text.Contains("->ct_label"), "ct-label");
        If(text.Contains(",table=2)"), "ct-table");
        If(text.Contains("resubmit("), "resubmit");
        If(text.Contains("goto_table"), "goto_table");
        If(text.Contains("REG") || text.Contains("reg"), "registers");
        If(text.Contains("write_metadata"), "write_metadata");
        If(text.Contains("move:"), "arp-responder");
        If(text.Contains("dec_ttl"), "dec_ttl");
        If(text.Contains("output:in_port"), "output-in_port");
        foreach (var g in c.Groups)
        {
            f.Add("group-" + g.Type);
            if (g.Type == "select") f.Add("select-" + (g.Selection is null ? "default" : g.Selection.Contains("dp_hash") ? "dp_hash" : "hash"));
            foreach (var b in g.Buckets)
            {
                If(b.Contains("ct("), "bucket-ct");
                If(b.Contains("set_field") || b.Contains("mod_dl_dst"), "bucket-set_field");
                If(b.Contains("resubmit"), "bucket-resubmit");
                If(b.Contains("output:"), "bucket-output");
            }
        }
        foreach (var p in c.Packets) f.Add("pkt-" + p.Kind);
        return f;
    }

    /// <summary>A flow that commits with NAT and then goes on matching in the same pass (no
    /// <c>table=</c> in the ct action): OVS keeps matching on the pre-NAT header fields.</summary>
    private static bool ContinuesAfterNat(string flow) =>
        System.Text.RegularExpressions.Regex.IsMatch(flow, @"ct\(commit[^)]*nat\([^)]*\)(,exec\([^)]*\))?\),(resubmit|goto_table|output|group)");

    private static bool SetsIpField(string actions) => actions.Contains("->ip_") || actions.Contains("mod_nw_") || actions.Contains("dec_ttl");

    /// <summary>
    /// The category a minimal diverging case belongs to. The order puts the known open issues
    /// first: ct inside a group bucket (OVS runs buckets as action sets), then select-group bucket
    /// choice, then conntrack, NAT, and otherwise the kind of difference.
    /// </summary>
    public static string Category(DiffCase minimal, IReadOnlyList<Divergence> divergences)
    {
        var f = Of(minimal);
        var kinds = divergences.Select(d => d.Kind).ToHashSet();
        if (kinds.Contains(DivergenceKind.ModelSetup)) return "model-setup";
        if (f.Contains("bucket-ct")) return "group-bucket-action-set";
        if (minimal.Groups.Any(g => g.Type == "select" && g.Buckets.Count > 1)) return "select-bucket-choice";
        if (f.Contains("nat-range") && kinds.Contains(DivergenceKind.Conntrack)) return "nat-range-choice";
        if (minimal.Flows.Any(ContinuesAfterNat) && (kinds.Contains(DivergenceKind.Output) || kinds.Contains(DivergenceKind.FlowCounters))) return "ct-nat-then-continue";
        if (minimal.Packets.Count > 0 && minimal.Packets.All(p => p.Kind.StartsWith("arp", StringComparison.Ordinal))
            && (minimal.Flows.Any(SetsIpField) || minimal.Groups.Any(g => g.Buckets.Any(SetsIpField)))) return "set-field-prerequisite";
        if (f.Contains("pkt-icmp-unreachable") && (f.Contains("nat-dst") || f.Contains("nat-src") || f.Contains("nat-reverse"))) return "icmp-error-nat";
        if (kinds.SetEquals([DivergenceKind.Conntrack])) return "conntrack";
        if (f.Contains("nat-dst") || f.Contains("nat-src") || f.Contains("nat-reverse")) return "nat";
        return kinds.Order().First().ToString().ToLowerInvariant();
    }
}
