namespace MeshSim.Cli.Replay;

/// <summary>What happened to one replayed frame.</summary>
/// <param name="Index">Frame number in the capture (1-based, as Wireshark counts).</param>
/// <param name="TimeNs">Virtual time it entered the switch.</param>
/// <param name="Summary">The frame in one line.</param>
/// <param name="Fate">"forwarded", "dropped" or "malformed".</param>
/// <param name="Reason">For drops: the table and flow (or "no match"); for malformed frames: the problem.</param>
/// <param name="Outputs">Ports it left by, with the packet as it left (OVS flow syntax).</param>
/// <param name="CtStates">ct_state of each recirculation, in order (which conntrack entry it created or hit).</param>
public sealed record PacketFate(int Index, long TimeNs, string Summary, string Fate, string? Reason,
                                IReadOnlyList<(uint Port, string Flow)> Outputs, IReadOnlyList<string> CtStates)
{
    /// <summary>The key the summary table groups by.</summary>
    public string Group => Fate switch
    {
        "forwarded" => $"forwarded to {string.Join(",", Outputs.Select(o => o.Port).Distinct().Order())}",
        _ => $"{Fate}: {Reason}",
    };
}
