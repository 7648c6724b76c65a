using MeshSim.Oracles.Differential;
using Xunit.Abstractions;
using static MeshSim.Oracles.Differential.AddressPlan;

namespace MeshSim.Oracles.Tests.Differential;

/// <summary>
/// The differential tester against the real OVS 3.1 bridge that CI starts: a fixed seed budget of
/// generated cases, plus hand-written cases that pin down what the driver observes.
/// </summary>
public class RealOvsDifferentialTests(RealBridgeFixture fixture, ITestOutputHelper output) : IClassFixture<RealBridgeFixture>
{
    /// <summary>CI's budget: cases of seed 1 (about 30 s on two busy cores).</summary>
    private const int CiCases = 250;

    [SkippableFact]
    public void Ci_budget_of_generated_cases_agrees_with_real_ovs()
    {
        var bridge = fixture.Require();
        var run = new DiffRun(new DiffEngine(bridge)) { ShrinkPerCategory = 1, ShrinkBudget = 60, Log = output.WriteLine };
        var s = run.Run(seed: 1, count: CiCases);
        output.WriteLine(s.ToString());

        Assert.Equal(CiCases, s.Cases);
        Assert.True(s.Count(Verdict.RealRunError) == 0, string.Join("\n", s.RealErrors));
        // Every case OVS installed must agree; a divergence prints its shrunk minimal case.
        Assert.True(s.Count(Verdict.Diverged) == 0, s.ToString());
        Assert.True(s.Count(Verdict.Agreed) >= CiCases * 9 / 10, $"only {s.Count(Verdict.Agreed)} of {CiCases} cases were installed by OVS:\n{s}");
        Assert.True(s.Packets > CiCases * 5, $"{s.Packets} packets");
    }

    [SkippableFact]
    public void A_hand_written_case_is_observed_byte_for_byte_with_its_counters()
    {
        var bridge = fixture.Require();
        var arp = FrameFactory.ArpRequest(1, Ip(3));
        var udp = FrameFactory.Udp(new FrameFactory.Endpoint(2, Mac(2), Ip(2), 5000), new FrameFactory.Endpoint(1, Mac(1), Ip(1), 53), 10, 1);
        var c = new DiffCase(
            [new GroupSpec(1, "all", null, ["bucket_id:0,actions=output:3", "bucket_id:1,actions=mod_dl_dst:02:00:00:00:00:04,output:4"])],
            ["cookie=0x1,table=0,priority=10,arp,actions=output:2,group:1", "cookie=0x2,table=0,priority=0,actions=drop"],
            [new PacketSpec(1, arp, "arp-request"), new PacketSpec(2, udp, "udp")]);
        var o = new DiffEngine(bridge).Run(c);

        Assert.Equal(Verdict.Agreed, o.Verdict);
        var real = o.Real!;
        Assert.Equal(Convert.ToHexStringLower(arp), Assert.Single(real.Outputs[0][2]));
        Assert.Equal(Convert.ToHexStringLower(arp), Assert.Single(real.Outputs[0][3]));
        var rewritten = (byte[])arp.Clone();
        rewritten[5] = 4; rewritten[0] = 2; rewritten[1] = rewritten[2] = rewritten[3] = rewritten[4] = 0;
        Assert.Equal(Convert.ToHexStringLower(rewritten), Assert.Single(real.Outputs[0][4]));
        Assert.Equal($"n_packets=1 n_bytes={arp.Length}", real.Flows[1]);
        Assert.Equal($"n_packets=1 n_bytes={udp.Length}", real.Flows[2]);
        Assert.Equal($"packet_count=1 byte_count={arp.Length} bucket0=1/{arp.Length} bucket1=1/{arp.Length}", real.Groups[1]);
        Assert.Empty(real.Outputs[1]);
    }

    [SkippableFact]
    public void A_pipeline_ovs_refuses_is_counted_apart_never_as_agreement()
    {
        var bridge = fixture.Require();
        var c = new DiffCase([], ["cookie=0x1,table=0,actions=group:9"], [new PacketSpec(1, FrameFactory.ArpRequest(1, Ip(2)), "arp-request")]);
        var o = new DiffEngine(bridge).Run(c);
        Assert.Equal(Verdict.RealSetupRejected, o.Verdict);
        Assert.Contains("group", o.Error, StringComparison.OrdinalIgnoreCase);

        // The bridge is usable again right after.
        var ok = new DiffEngine(bridge).Run(c with { Flows = ["cookie=0x1,table=0,actions=output:2"] });
        Assert.Equal(Verdict.Agreed, ok.Verdict);
    }

    [SkippableFact]
    public void Conntrack_is_compared_with_zones_marks_nat_and_tcp_states()
    {
        var bridge = fixture.Require();
        var client = new FrameFactory.Endpoint(1, Mac(1), Ip(1), 40000);
        var vip = new FrameFactory.Endpoint(0, VipMac, Vip, VipTcpPort);
        var server = new FrameFactory.Endpoint(2, Mac(2), Ip(2), BackendPort);
        var c = new DiffCase([],
        [
            "cookie=0x1,table=0,priority=10,ip,actions=ct(table=1,zone=7,nat)",
            $"cookie=0x2,table=1,priority=10,ct_state=+new+trk,ip,nw_dst={Vip},actions=ct(commit,zone=7,nat(dst={IpText(2)}:{BackendPort}),exec(set_field:0x5->ct_mark),table=2)",
            "cookie=0x3,table=1,priority=5,ct_state=+est+trk,actions=resubmit(,2)",
            $"cookie=0x4,table=2,priority=10,ip,nw_dst={IpText(2)},actions=output:2",
            $"cookie=0x5,table=2,priority=10,ip,nw_dst={IpText(1)},actions=output:1",
        ],
        [
            new PacketSpec(1, FrameFactory.Tcp(client, vip, MeshSim.Wire.TcpFlags.Syn, 1000, 0, 0, 1), "tcp-syn"),
            new PacketSpec(2, FrameFactory.Tcp(server, client, MeshSim.Wire.TcpFlags.Syn | MeshSim.Wire.TcpFlags.Ack, 5000, 1001, 0, 2), "tcp-synack"),
            new PacketSpec(1, FrameFactory.Tcp(client, vip, MeshSim.Wire.TcpFlags.Ack, 1001, 5001, 0, 3), "tcp-ack"),
        ]);
        var o = new DiffEngine(bridge).Run(c);
        Assert.True(o.Verdict == Verdict.Agreed, string.Join("\n", o.Divergences));
        Assert.Equal(
            "tcp,orig=(src=10.0.0.1,dst=10.0.0.100,sport=40000,dport=80),reply=(src=10.0.0.2,dst=10.0.0.1,sport=8080,dport=40000),zone=7,mark=5,protoinfo=(state_orig=ESTABLISHED,state_reply=ESTABLISHED)",
            Assert.Single(o.Real!.Conntrack));
        Assert.Single(o.Real.Outputs[1][1]);   // the SYN-ACK, un-NATed back to the client
    }

    [SkippableFact]
    public void Nat_ranges_choose_the_same_address_and_port_as_the_real_daemon()
    {
        var bridge = fixture.Require();
        var engine = new DiffEngine(bridge);
        var server = new FrameFactory.Endpoint(2, Mac(2), Ip(2), 53);
        var packets = Enumerable.Range(0, 40).Select(i =>
            new PacketSpec(1, FrameFactory.Udp(new FrameFactory.Endpoint(1, Mac(1), Ip(1), (ushort)(30000 + 7 * i)), server, 4, (ushort)i), "udp")).ToList();
        var c = new DiffCase([],
            ["cookie=0x1,table=0,priority=10,udp,actions=ct(commit,zone=3,nat(src=10.0.9.1-10.0.9.200:2000-60000)),output:2"], packets);
        var o = engine.Run(c);
        Assert.True(o.Verdict == Verdict.Agreed, string.Join("\n", o.Divergences));
        // The choices really depend on the learned basis: any other basis picks other tuples.
        var (other, _) = ModelOracle.Run(c, engine.NatHashBasis + 1);
        Assert.NotEmpty(Comparison.Compare(o.Real!, other!));
        var sources = o.Real!.Outputs.Select(x => Assert.Single(x[2]).Substring(52, 8)).Distinct().Count();
        Assert.True(sources > 20, $"{sources} distinct SNAT addresses in 40 connections");
    }
}
