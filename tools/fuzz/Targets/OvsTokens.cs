namespace MeshSim.Fuzz.Targets;

/// <summary>ovs-ofctl syntax tokens for the flow and group targets' dictionaries.</summary>
internal static class OvsTokens
{
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
