namespace MeshSim.Fuzz.Targets;

/// <summary>ovs-ofctl syntax tokens for the flow and group targets' dictionaries.</summary>
internal static class OvsTokens
{
    /// <summary>
    /// The OVS action parser recurses once per nested parenthesis and has no depth limit yet, so a deep
    /// enough nesting overflows the stack and ends the campaign (regression test:
    /// tests/MeshSim.Ovs.Tests/Fuzz/NestedActionCrasherTests.cs). Until the parser refuses such input itself,
    /// the targets skip inputs nested deeper than this, which no real rule file comes near.
    /// Remove this guard when that test passes.
    /// </summary>
    public const int KnownCrasherDepth = 200;

    /// <summary>True when <paramref name="input"/> nests parentheses deeper than <see cref="KnownCrasherDepth"/>.</summary>
    public static bool KnownDeepNesting(ReadOnlySpan<byte> input)
    {
        int depth = 0;
        foreach (var b in input)
        {
            if (b == (byte)'(' && ++depth > KnownCrasherDepth) return true;
            if (b == (byte)')' && depth > 0) depth--;
        }
        return false;
    }

    public static readonly string[] Flow =
    [
        "table=", "priority=", "cookie=0x", "cookie=", "/-1", "in_port=", "dl_src=", "dl_dst=", "dl_type=0x0800", "nw_src=", "nw_dst=", "tp_dst=", "tp_src=",
        "ip", "tcp", "udp", "arp", "icmp", "ct_state=+trk+est", "ct_state=-new", "ct_mark=", "ct_zone=", "reg0=", "reg1[0..15]", "metadata=", "vlan_tci=",
        "actions=", "output:", "NORMAL", "drop", "resubmit(,1)", "ct(commit,zone=1,nat(dst=10.0.0.1:80))", "ct(table=1)", "group:", "load:", "move:",
        "set_field:", "->", "mod_dl_dst:", "mod_nw_dst:", "goto_table:", "learn(", "note:", "controller", "local", "strip_vlan", "push_vlan:",
        "idle_timeout=", "hard_timeout=", "send_flow_rem", ",", "=", "/", "0x", "[", "]", "..", "(", ")", ":", "\n", "#", "\\", "0xffffffffffffffffffffffffffffffff",
        "255.255.255.255/33", "00:00:00:00:00:00/ff", "65536", "4294967296", "nat(src=10.0.0.1-10.0.0.9:1-65535,random)",
    ];

    public static readonly string[] Group =
    [
        "group_id=", "type=select", "type=all", "type=indirect", "type=ff", "selection_method=hash", "selection_method=dp_hash", "fields(ip_src,tcp_dst)",
        "bucket=", "bucket_id:", "weight:", "watch_port:", "watch_group:", "actions=", "ct(commit,nat(dst=10.0.0.1:80))", "output:", "mod_dl_dst:",
        ",", "=", ":", "(", ")", "\n", "#", "4294967295", "4294967296", "0x", "-1",
    ];
}
