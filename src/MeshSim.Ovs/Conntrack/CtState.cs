namespace MeshSim.Ovs.Conntrack;

/// <summary>The ct_state bits (ovs-fields(7)); values are OVS's.</summary>
[Flags]
public enum CtState : byte
{
    /// <summary>Not tracked.</summary>
    None = 0,
    /// <summary>+new: the start of a new connection.</summary>
    New = 0x01,
    /// <summary>+est: part of an existing connection.</summary>
    Established = 0x02,
    /// <summary>+rel: related to an existing connection (an ICMP error about it).</summary>
    Related = 0x04,
    /// <summary>+rpl: in the reply direction.</summary>
    Reply = 0x08,
    /// <summary>+inv: could not be tracked (bad header, checksum, TCP window, ...). Only ever with +trk.</summary>
    Invalid = 0x10,
    /// <summary>+trk: went through conntrack.</summary>
    Tracked = 0x20,
    /// <summary>+snat: source address/port was translated.</summary>
    SrcNat = 0x40,
    /// <summary>+dnat: destination address/port was translated.</summary>
    DstNat = 0x80,
}

/// <summary>Formats ct_state the way OVS prints it in flows and traces ("new|trk").</summary>
public static class CtStateText
{
    private static readonly (CtState Flag, string Name)[] Names =
    [
        (CtState.New, "new"), (CtState.Established, "est"), (CtState.Related, "rel"), (CtState.Reply, "rpl"),
        (CtState.Invalid, "inv"), (CtState.Tracked, "trk"), (CtState.SrcNat, "snat"), (CtState.DstNat, "dnat"),
    ];

    /// <summary>"new|trk" (flag order as OVS's ct_state_to_string); "0" when empty.</summary>
    public static string Format(CtState state)
    {
        if (state == CtState.None) return "0";
        var parts = new List<string>();
        foreach (var (flag, name) in Names) if ((state & flag) != 0) parts.Add(name);
        return string.Join('|', parts);
    }

    /// <summary>Parses ofproto/trace's --ct-next syntax: flags separated by '|' or ',' ("trk|est", "trk,new", "+trk+est").</summary>
    public static bool TryParse(string text, out CtState state, out string? error)
    {
        state = CtState.None;
        error = null;
        var tokens = text.Replace('+', '|').Split(['|', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (tokens.Length == 0) { error = "empty ct_state; expected flags such as trk|new"; return false; }
        foreach (var t in tokens)
        {
            var hit = Array.Find(Names, n => n.Name == t);
            if (hit.Name is null)
            {
                error = $"unknown ct_state flag '{t}' (expected one of {string.Join(", ", Names.Select(n => n.Name))})";
                return false;
            }
            state |= hit.Flag;
        }
        return true;
    }
}
