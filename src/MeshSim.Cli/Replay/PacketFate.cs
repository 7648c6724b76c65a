namespace MeshSim.Cli.Replay;

/// <summary>What happened to one replayed frame.</summary>
/// <param name="Index">Frame number in its capture (1-based, as Wireshark counts).</param>
/// <param name="TimeNs">Virtual time it entered the switch.</param>
/// <param name="Summary">The frame in one line.</param>
/// <param name="Fate">"forwarded", "dropped" or "malformed".</param>
/// <param name="Reason">For drops: the table and flow (or "no match"); for malformed frames: the problem.</param>
/// <param name="Outputs">Ports it left by, with the packet as it left (OVS flow syntax and bytes).</param>
/// <param name="CtStates">ct_state of each recirculation, in order (which conntrack entry it created or hit).</param>
/// <param name="Capture">Which capture it came from (1-based, in command-line order).</param>
/// <param name="InPort">The switch port it entered by.</param>
public sealed record PacketFate(int Index, long TimeNs, string Summary, string Fate, string? Reason,
                                IReadOnlyList<ReplayOutput> Outputs, IReadOnlyList<string> CtStates, int Capture = 1, uint InPort = 0)
{
    /// <summary>The key the summary table groups by.</summary>
    public string Group => Fate switch
    {
        "forwarded" => $"forwarded to {string.Join(",", Outputs.Select(o => o.Port).Distinct().Order())}",
        _ => $"{Fate}: {Reason}",
    };
}

/// <summary>One packet a replayed frame turned into.</summary>
/// <param name="Port">Switch port it left by.</param>
/// <param name="Flow">The packet as it left, in OVS flow syntax (with the pipeline metadata).</param>
/// <param name="Frame">Its bytes as they left (rewritten headers, updated checksums).</param>
public sealed record ReplayOutput(uint Port, string Flow, byte[] Frame);
