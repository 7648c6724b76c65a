using MeshSim.Engine;

namespace MeshSim.Ovs.Tests.TraceConformance;

/// <summary>One trace to run on both: flows, groups, the packet and --ct-next states.</summary>
public sealed record TraceCase(string Name, IReadOnlyList<string> Flows, IReadOnlyList<string> Groups, string Packet, IReadOnlyList<string> CtNext)
{
    public override string ToString() =>
        $"{Name}\n  packet: {Packet}\n  ct-next: {string.Join(" ", CtNext)}\n  flows:\n    {string.Join("\n    ", Flows)}\n  groups:\n    {string.Join("\n    ", Groups)}";
}

/// <summary>
/// Random multi-table pipelines whose actions agree with their matches' prerequisites (so both
/// switches accept them): outputs, header rewrites, dec_ttl, registers, resubmit/goto_table, ct with
/// recirculation and NAT, and all/indirect/fast_failover groups. Packets draw from the same values
/// so that flows actually match.
/// </summary>
public sealed class TraceCaseGenerator(ulong seed)
{
    private readonly SimRandom _rng = SimRandom.ForStream(seed, "trace-conformance");
    private static readonly string[] Protos = ["ip", "tcp", "udp", "icmp", "arp"];
    private static readonly string[] Dsts = ["10.0.0.2", "10.0.0.3", "10.0.1.5"];
    private static readonly ushort[] Ports = [80, 443, 53];
    private static readonly string[] CtStates = ["trk,new", "trk,est", "trk,est,rpl", "trk,inv", "trk,new,dnat"];

    private T Pick<T>(IReadOnlyList<T> xs) => xs[_rng.Next(0, xs.Count)];
    private bool Chance(int percent) => _rng.Next(0, 100) < percent;

    public TraceCase Next(int index)
    {
        var groups = new List<string>();
        int nGroups = _rng.Next(0, 3);
        for (int g = 1; g <= nGroups; g++) groups.Add(Group(g));
        var flows = new List<string>();
        for (int table = 0; table < 4; table++)
        {
            int n = _rng.Next(1, 5);
            for (int i = 0; i < n; i++) flows.Add(Flow(table, nGroups));
        }
        return new TraceCase($"generated #{index}", flows.Distinct().ToList(), groups, Packet(), Enumerable.Range(0, _rng.Next(0, 3)).Select(_ => Pick(CtStates)).ToList());
    }

    private string Group(int id)
    {
        string type = Pick(new[] { "all", "indirect", "fast_failover" });
        int buckets = type == "indirect" ? 1 : _rng.Next(1, 4);
        var parts = new List<string> { $"group_id={id}", $"type={type}" };
        for (int b = 0; b < buckets; b++)
        {
            uint port = (uint)_rng.Next(1, 5);
            var watch = type == "fast_failover" ? $"watch_port:{port}," : "";
            var extra = Chance(40) ? $"load:0x{_rng.Next(1, 99):x}->NXM_NX_REG3[]," : "";
            parts.Add($"bucket=bucket_id={b},{watch}actions={extra}output:{port}");
        }
        return string.Join(",", parts);
    }

    private string Flow(int table, int nGroups)
    {
        string proto = Pick(Protos);
        bool ip = proto != "arp";
        bool l4 = proto is "tcp" or "udp";
        var match = new List<string> { $"table={table}", $"priority={_rng.Next(1, 400)}", proto };
        if (Chance(50)) match.Add($"in_port={_rng.Next(1, 4)}");
        if (ip && Chance(40)) match.Add(Chance(50) ? $"nw_dst={Pick(Dsts)}" : "nw_dst=10.0.0.0/24");
        if (l4 && Chance(40)) match.Add($"tp_dst={Pick(Ports)}");
        if (table > 0 && Chance(40)) match.Add($"reg0=0x{_rng.Next(0, 3):x}");
        if (table > 0 && ip && Chance(40)) match.Add(Pick(new[] { "ct_state=+trk+new", "ct_state=+trk+est", "ct_state=-trk", "ct_state=+trk+est+rpl", "ct_state=+trk-new" }));
        if (Chance(20)) match.Add($"cookie=0x{_rng.Next(1, 9):x}");

        var actions = new List<string>();
        int n = _rng.Next(0, 5);
        for (int i = 0; i < n; i++)
        {
            switch (_rng.Next(0, 12))
            {
                case 0 or 1: actions.Add($"output:{_rng.Next(1, 5)}"); break;
                case 2: actions.Add($"load:0x{_rng.Next(0, 3):x}->NXM_NX_REG0[]"); break;
                case 3: actions.Add("mod_dl_dst:00:00:00:00:00:" + _rng.Next(16, 99).ToString("x2")); break;
                case 4: if (ip && proto != "arp") actions.Add($"mod_nw_dst:10.1.0.{_rng.Next(1, 9)}"); break;
                case 5: if (l4) actions.Add($"mod_tp_dst:{Pick(Ports)}"); break;
                case 6: if (ip) actions.Add("dec_ttl"); break;
                case 7: if (table < 3) actions.Add($"resubmit(,{_rng.Next(table + 1, 4)})"); break;
                case 8:
                    if (ip && table < 3)
                    {
                        int t = _rng.Next(table + 1, 4);
                        var nat = l4 && Chance(40) ? $",nat(dst=10.1.0.{_rng.Next(1, 9)}:{Pick(Ports)})" : Chance(30) ? ",nat" : "";
                        bool commit = nat.Contains('(') || Chance(50);
                        actions.Add($"ct({(commit ? "commit," : "")}table={t},zone={_rng.Next(0, 3)}{nat})");
                    }
                    break;
                case 9: if (nGroups > 0) actions.Add($"group:{_rng.Next(1, nGroups + 1)}"); break;
                case 10: actions.Add("in_port"); break;
                case 11: if (ip) actions.Add($"move:NXM_OF_IP_SRC[0..7]->NXM_NX_REG0[0..7]"); break;
            }
        }
        if (table < 3 && Chance(25)) actions.Add($"goto_table:{_rng.Next(table + 1, 4)}");
        return $"{string.Join(",", match)} actions={(actions.Count == 0 ? "drop" : string.Join(",", actions))}";
    }

    private string Packet()
    {
        string proto = Pick(Protos);
        var p = new List<string> { $"in_port={_rng.Next(1, 4)}", proto, "dl_src=00:00:00:00:00:01", "dl_dst=00:00:00:00:00:02" };
        if (proto == "arp")
        {
            p.Add("arp_spa=10.0.0.1");
            p.Add($"arp_tpa={Pick(Dsts)}");
            p.Add("arp_op=1");
            return string.Join(",", p);
        }
        p.Add("nw_src=10.0.0.1");
        p.Add($"nw_dst={Pick(Dsts)}");
        p.Add($"nw_ttl={(Chance(15) ? 1 : 64)}");
        if (proto is "tcp" or "udp")
        {
            // In ofproto/trace's flow syntax tp_src/tp_dst are tcp_src/tcp_dst: UDP needs udp_src/udp_dst.
            p.Add($"{(proto == "tcp" ? "tp" : "udp")}_src=1234");
            p.Add($"{(proto == "tcp" ? "tp" : "udp")}_dst={Pick(Ports)}");
        }
        else if (proto == "icmp") p.Add("icmp_type=8");
        return string.Join(",", p);
    }
}
