using MeshSim.Oracles.Differential;
using MeshSim.Wire;

namespace MeshSim.Oracles.Tests.Differential;

public class CaseGenTests
{
    private static string Text(DiffCase c) =>
        string.Join('\n', c.GroupLines.Concat(c.Flows).Concat(c.Packets.Select(p => $"{p.InPort} {p.Kind} {Convert.ToHexStringLower(p.Frame)}")));

    [Fact]
    public void Same_seed_and_index_give_the_same_case_and_other_indices_other_cases()
    {
        var a = Enumerable.Range(0, 20).Select(i => Text(CaseGen.Sample(7, i))).ToList();
        var b = Enumerable.Range(0, 20).Select(i => Text(CaseGen.Sample(7, i))).ToList();
        Assert.Equal(a, b);
        Assert.True(a.Distinct().Count() >= 19, "cases of one seed should differ from each other");
        Assert.NotEqual(a[0], Text(CaseGen.Sample(8, 0)));
    }

    [Fact]
    public void Every_category_of_the_issue_is_generated()
    {
        var counts = new Dictionary<string, int>();
        for (int i = 0; i < 400; i++)
            foreach (var f in Features.Of(CaseGen.Sample(1, i))) counts[f] = counts.GetValueOrDefault(f) + 1;
        string[] required =
        [
            "ct", "ct-zone", "ct-commit", "nat-dst", "nat-src", "nat-range", "nat-reverse", "ct-mark-set", "ct-mark-match", "ct-label", "ct-table",
            "resubmit", "goto_table", "registers", "write_metadata", "arp-responder", "output-in_port",
            "group-all", "group-select", "group-indirect", "group-fast_failover", "select-default", "select-dp_hash", "select-hash",
            "bucket-ct", "bucket-set_field", "bucket-resubmit", "bucket-output",
            "pkt-arp-request", "pkt-arp-reply", "pkt-icmp-echo-request", "pkt-icmp-echo-reply", "pkt-icmp-unreachable", "pkt-udp",
            "pkt-tcp-syn", "pkt-tcp-synack", "pkt-tcp-ack", "pkt-tcp-data", "pkt-tcp-fin", "pkt-tcp-rst", "pkt-tcp-retransmit", "pkt-tcp-stale-ack",
        ];
        var missing = required.Where(r => counts.GetValueOrDefault(r) < 10).ToList();
        Assert.True(missing.Count == 0, "rarely or never generated: " + string.Join(", ", missing.Select(m => $"{m}={counts.GetValueOrDefault(m)}")));
    }

    [Fact]
    public void Generated_frames_carry_valid_checksums()
    {
        int checkedL4 = 0;
        for (int i = 0; i < 50; i++)
            foreach (var p in CaseGen.Sample(3, i).Packets)
            {
                var f = p.Frame;
                if (f[12] != 0x08 || f[13] != 0x00) continue;
                Assert.True(Ipv4View.TryCreate(f.AsSpan(14), out var ip, out var err), $"{p.Kind}: {err}");
                Assert.True(Ipv4Repr.TryParse(ip, ChecksumMode.Verify, out var repr, out err), $"{p.Kind}: {err}");
                var l4 = f.AsSpan(14 + 20, repr.PayloadLength);
                switch (repr.Protocol)
                {
                    case 6: Assert.True(TcpView.TryCreate(l4, out var t, out _) && t.VerifyChecksum(repr.Source, repr.Destination), p.Kind); break;
                    case 17: Assert.True(UdpView.TryCreate(l4, out var u, out _) && u.VerifyChecksum(repr.Source, repr.Destination), p.Kind); break;
                    case 1: Assert.True(IcmpV4View.TryCreate(l4, out var c, out _) && c.VerifyChecksum(), p.Kind); break;
                }
                checkedL4++;
            }
        Assert.True(checkedL4 > 100, $"only {checkedL4} IPv4 frames checked");
    }

    [Fact]
    public void Every_flow_has_its_own_cookie()
    {
        for (int i = 0; i < 50; i++)
        {
            var cookies = CaseGen.Sample(5, i).Flows.Select(f => f[..f.IndexOf(',')]).ToList();
            Assert.Equal(cookies.Count, cookies.Distinct().Count());
        }
    }
}
