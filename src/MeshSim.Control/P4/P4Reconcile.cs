namespace MeshSim.Control.P4;

/// <summary>
/// Moves a P4 switch from one compiled state to the next, in the spirit of <c>ovs-ofctl
/// replace-flows</c>: clear the mesh program's tables, delete the selector groups and members the
/// previous commands created, then run the new commands. Registers are not touched, so pinned
/// connections (<c>conn_table</c>) and circuit-breaker state survive; backend ids are kept across
/// compiles (<see cref="P4MeshCompiler.Compile"/>'s <c>previous</c>), so a pin still names its
/// instance. Applied between two packets, the switch never sees a half-updated state.
/// </summary>
public static class P4Reconcile
{
    private static readonly string[] Tables = ["lb", "lb_retry", "vip", "backend", "rev", "fwd", "arp_vip", "l7", "cb_instance"];
    private static readonly string[] Profiles = ["backends_a", "backends_b"];

    /// <summary>The commands that turn a switch running <paramref name="before"/> into one running <paramref name="after"/>.</summary>
    public static IReadOnlyList<string> ReplaceAll(P4SwitchEntries before, P4SwitchEntries after)
    {
        var lines = new List<string>();
        lines.AddRange(Tables.Select(t => $"table_clear {t}"));
        foreach (var profile in Profiles)
        {
            int groups = before.Commands.Count(c => c == $"act_prof_create_group {profile}");
            int members = before.Commands.Count(c => c.StartsWith($"act_prof_create_member {profile} ", StringComparison.Ordinal));
            for (int g = 0; g < groups; g++) lines.Add($"act_prof_delete_group {profile} {g}");
            for (int m = 0; m < members; m++) lines.Add($"act_prof_delete_member {profile} {m}");
        }
        lines.AddRange(after.Commands);
        return lines;
    }
}
