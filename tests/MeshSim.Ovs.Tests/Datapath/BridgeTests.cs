using MeshSim.Ovs.Conntrack;
using MeshSim.Ovs.Datapath;
using MeshSim.Ovs.Stats;
using MeshSim.Wire;
using static MeshSim.Ovs.Tests.Conntrack.Packets;

namespace MeshSim.Ovs.Tests.Datapath;

public class BridgeTests
{
    [Fact]
    public void Output_to_input_port_is_skipped_but_in_port_action_sends_back()
    {
        var t = new TestBridge(1, 2).Flows("priority=10,in_port=1 actions=output:1,output:2\npriority=10,in_port=2 actions=in_port");
        t.Bridge.Receive(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1);
        Assert.Equal([2u], t.Out);
        t.Clear();
        t.Bridge.Receive(Udp("10.0.0.1", 1, "10.0.0.2", 2), 2);
        Assert.Equal([2u], t.Out);
    }

    [Fact]
    public void Normal_floods_unknown_then_forwards_to_learned_port()
    {
        var t = new TestBridge(1, 2, 3).Flows("actions=NORMAL");
        var toB = Udp("10.0.0.1", 1, "10.0.0.2", 2);            // MacA -> MacB
        t.Bridge.Receive(toB, 1);
        Assert.Equal([2u, 3u], t.Out);                            // flooded, not back to 1
        t.Clear();
        var buf = new byte[200];
        int n = FrameBuilder.Udp(buf, new EthernetRepr(MacB, MacA, 0x0800), new Ipv4Repr(Ipv4Address.Parse("10.0.0.2"), Ipv4Address.Parse("10.0.0.1")), new UdpRepr(2, 1, 0), []);
        t.Bridge.Receive(buf.AsSpan(0, n), 3);                    // B answers from port 3: A was learned on 1
        Assert.Equal([1u], t.Out);
        t.Clear();
        t.Bridge.Receive(toB, 1);                                 // now B is known on 3
        Assert.Equal([3u], t.Out);
        t.Now = 301_000_000_000L;                                 // past the 300 s aging time
        t.Clear();
        t.Bridge.Receive(Udp("10.0.0.9", 1, "10.0.0.2", 2).Also(f => MacAddress.Parse("00:00:00:00:00:09").Write(f.AsSpan(6))), 1);
        Assert.Equal([2u, 3u], t.Out);
    }

    [Fact]
    public void Set_field_rewrites_bytes_with_valid_checksums()
    {
        var t = new TestBridge(1, 2).Flows("tcp,in_port=1 actions=mod_nw_dst:10.9.9.9,mod_tp_dst:8080,dec_ttl,mod_dl_dst:00:00:00:00:00:aa,output:2");
        t.Bridge.Receive(Tcp("10.0.0.1", 1000, "10.0.0.2", 80, TcpFlags.Syn, 1, 0), 1);
        var f = Assert.Single(t.Sent[2]);
        var k = Flow(f);
        Assert.Equal(Ipv4Address.Parse("10.9.9.9"), k.NwDst);
        Assert.Equal(8080, k.TpDst);
        Assert.Equal(63, k.NwTtl);
        Assert.Equal(MacAddress.Parse("00:00:00:00:00:aa"), k.EthDst);
        Assert.True(Checksum.IsValid(f.AsSpan(14, 20)));
        var l4 = f.AsSpan(34);
        Assert.True(Checksum.IsValid(l4, Checksum.PseudoHeaderSum(k.NwSrc, k.NwDst, 6, l4.Length)));
    }

    [Fact]
    public void Resubmit_loop_fails_with_recursion_too_deep_and_drops_everything()
    {
        var t = new TestBridge(1, 2).Flows("table=0 actions=output:2,resubmit(,1)\ntable=1 actions=resubmit(,1)");
        t.Bridge.Receive(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1);
        Assert.Empty(t.Out);                                      // output:2 came first, yet nothing leaves
        Assert.Equal(1, t.Bridge.TranslationErrors);
        var trace = t.Bridge.Trace(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1);
        Assert.Equal("Recursion too deep", trace.Passes[0].Error);
    }

    [Fact]
    public void Too_many_resubmits_is_caught_before_depth()
    {
        // Each table resubmits twice to the next: 2^depth resubmits long before depth 64.
        var flows = string.Join("\n", Enumerable.Range(0, 30).Select(i => $"table={i} actions=resubmit(,{i + 1}),resubmit(,{i + 1})"));
        var t = new TestBridge(1, 2).Flows(flows + "\ntable=30 actions=output:2");
        var trace = t.Bridge.Trace(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1);
        Assert.Equal("Too many resubmits", trace.Passes[0].Error);
        Assert.True(trace.Dropped);
    }

    [Fact]
    public void Ct_without_table_leaves_the_packet_untracked()
    {
        var t = new TestBridge(1, 2, 3).Flows("""
            table=0,ip actions=ct(commit,zone=1),resubmit(,1)
            table=1,ct_state=-trk actions=output:2
            table=1,ct_state=+trk actions=output:3
            """);
        t.Bridge.Receive(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1);
        Assert.Equal([2u], t.Out);
        Assert.Equal(1, t.Bridge.Conntrack.Count);               // but the commit happened
    }

    [Fact]
    public void Service_vip_dnat_with_select_group_and_reply_un_nat()
    {
        // A VIP is DNATed by ct(commit,nat,table=) in the bucket a select group picked: inside a bucket
        // (an action set) the ct must be the bucket's only terminal action, so delivery happens in table 3.
        var t = new TestBridge(1, 2, 3).Groups("""
            group_id=1,type=select,bucket=bucket_id=0,weight=50,actions=ct(commit,zone=1,table=3,nat(dst=10.1.0.1:8080)),bucket=bucket_id=1,weight=50,actions=ct(commit,zone=1,table=3,nat(dst=10.1.0.2:8080))
            """).Flows("""
            table=0,priority=100,tcp,in_port=1,nw_dst=10.96.0.10,tp_dst=80 actions=ct(table=1,zone=1,nat)
            table=0,priority=100,tcp,in_port=2 actions=ct(table=2,zone=1,nat)
            table=0,priority=100,tcp,in_port=3 actions=ct(table=2,zone=1,nat)
            table=1,priority=100,ct_state=+new+trk actions=group:1
            table=1,priority=90,ct_state=+est+trk,nw_dst=10.1.0.1 actions=output:2
            table=1,priority=90,ct_state=+est+trk,nw_dst=10.1.0.2 actions=output:3
            table=2,priority=100,ct_state=+est+rpl+trk actions=output:1
            table=3,priority=100,ip,nw_dst=10.1.0.1 actions=output:2
            table=3,priority=100,ip,nw_dst=10.1.0.2 actions=output:3
            """);
        var counts = new int[4];
        for (ushort sport = 10000; sport < 10400; sport++)
        {
            t.Clear();
            t.Bridge.Receive(Tcp("10.0.0.1", sport, "10.96.0.10", 80, TcpFlags.Syn, 1, 0), 1);
            var port = Assert.Single(t.Out);
            counts[port]++;
            var k = Flow(t.Sent[port][0]);
            Assert.Equal(8080, k.TpDst);
            Assert.Equal(port == 2 ? Ipv4Address.Parse("10.1.0.1") : Ipv4Address.Parse("10.1.0.2"), k.NwDst);
            // The backend's SYN-ACK is un-NATed back to the VIP.
            t.Clear();
            t.Bridge.Receive(Tcp(k.NwDst.ToString(), 8080, "10.0.0.1", sport, TcpFlags.Syn | TcpFlags.Ack, 500, 2), port);
            var back = Flow(Assert.Single(t.Sent[1]));
            Assert.Equal(Ipv4Address.Parse("10.96.0.10"), back.NwSrc);
            Assert.Equal(80, back.TpSrc);
        }
        // Equal weights over 400 flows: each side within 35% of 200 (OVS's own test uses similar slack).
        Assert.InRange(counts[2], 130, 270);
        Assert.InRange(counts[3], 130, 270);
        var g = t.Bridge.FindGroup(1)!;
        Assert.Equal(SelectionMethod.DpHash, g.Method);
        Assert.Equal(400, g.BucketPackets.Sum());
    }

    [Fact]
    public void Thesis_listing_2_bucket_forwards_without_conntrack_as_real_ovs_does()
    {
        // bucket=ct(commit,nat(dst=..)),mod_dl_dst:..,output:N is an action set: output wins, the ct is dropped.
        var t = new TestBridge(1, 2, 3).Groups(
            "group_id=1,type=select,bucket=actions=ct(commit,zone=1,nat(dst=10.1.0.1:8080)),mod_dl_dst:00:00:00:00:00:09,output:2")
            .Flows("table=0,tcp,in_port=1 actions=group:1");
        t.Bridge.Receive(Tcp("10.0.0.1", 1234, "10.96.0.10", 80, TcpFlags.Syn, 1, 0), 1);
        var k = Flow(Assert.Single(t.Sent[2]));
        Assert.Equal(80, k.TpDst);                                   // not NATed
        Assert.Equal(Ipv4Address.Parse("10.96.0.10"), k.NwDst);
        Assert.Equal(MacAddress.Parse("00:00:00:00:00:09"), k.EthDst); // the set_field did run
        Assert.Equal(0, t.Bridge.Conntrack.Count);                   // and nothing was committed
        var text = t.Bridge.Trace(Tcp("10.0.0.1", 1235, "10.96.0.10", 80, TcpFlags.Syn, 1, 0), 1).ToText();
        Assert.Contains("not executed: ct(commit,zone=1,nat(dst=10.1.0.1:8080))", text);
    }

    [Fact]
    public void Trace_of_a_select_group_explains_the_choice_and_lists_every_bucket()
    {
        var t = new TestBridge(1, 2, 3).Groups("group_id=3,type=select,bucket=bucket_id=0,weight=30,actions=output:2,bucket=bucket_id=1,weight=10,actions=output:3")
            .Flows("in_port=1 actions=group:3");
        var text = t.Bridge.Trace(Udp("10.0.0.1", 7, "10.0.0.2", 53), 1).ToText();
        Assert.Contains("bucket 0: weight 30, 12/16 of the hash values, actions=output:2", text);
        Assert.Contains("bucket 1: weight 10, 4/16 of the hash values, actions=output:3", text);
        Assert.Contains("no dp_hash yet: the datapath runs hash(sym_l4(0))", text);
        Assert.Contains("Datapath actions: hash(sym_l4(0)),recirc(0x1),", text);
        Assert.Contains("-> using bucket", text);
    }

    [Fact]
    public void Fast_failover_follows_port_liveness()
    {
        var t = new TestBridge(1, 2, 3).Groups("group_id=5,type=fast_failover,bucket=watch_port:2,actions=output:2,bucket=watch_port:3,actions=output:3")
            .Flows("in_port=1 actions=group:5");
        t.Bridge.Receive(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1);
        Assert.Equal([2u], t.Out);
        t.Live[2] = false;
        t.Clear();
        t.Bridge.Receive(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1);
        Assert.Equal([3u], t.Out);
        t.Live[3] = false;
        t.Clear();
        t.Bridge.Receive(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1);
        Assert.Empty(t.Out);
    }

    [Fact]
    public void All_group_buckets_work_on_clones()
    {
        var t = new TestBridge(1, 2, 3, 4).Groups("group_id=2,type=all,bucket=actions=mod_nw_dst:1.1.1.1,output:2,bucket=actions=output:3")
            .Flows("in_port=1,ip actions=group:2,output:4");
        t.Bridge.Receive(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1);
        Assert.Equal(Ipv4Address.Parse("1.1.1.1"), Flow(t.Sent[2][0]).NwDst);
        Assert.Equal(Ipv4Address.Parse("10.0.0.2"), Flow(t.Sent[3][0]).NwDst);
        Assert.Equal(Ipv4Address.Parse("10.0.0.2"), Flow(t.Sent[4][0]).NwDst);
    }

    [Fact]
    public void Select_weights_follow_webster_table()
    {
        var t = new TestBridge(1, 2, 3).Groups("group_id=3,type=select,bucket=bucket_id=0,weight=30,actions=output:2,bucket=bucket_id=1,weight=10,actions=output:3")
            .Flows("in_port=1 actions=group:3");
        var g = t.Bridge.FindGroup(3)!;
        Assert.Equal(16, g.HashValues);
        Assert.Equal(12, g.HashMap.Count(b => b!.BucketId == 0));   // 3:1 of 16 values
        int two = 0;
        for (int p = 1; p <= 2000; p++)
        {
            t.Clear();
            // dp_hash's sym_l4 hash takes addresses and TCP ports, never UDP ports: vary the source address.
            t.Bridge.Receive(Udp($"10.{p / 250}.{p % 250}.1", 7, "10.0.0.2", 53), 1);
            if (t.Out.SequenceEqual([2u])) two++;
        }
        Assert.InRange(two, 1350, 1650);                          // 75% ± 7.5%
    }

    [Fact]
    public void Default_select_sends_every_udp_flow_between_two_hosts_to_one_bucket()
    {
        // OVS 3.1's surprise: flow_hash_symmetric_l3l4(..., inc_udp_ports=false) ignores UDP ports.
        var t = new TestBridge(1, 2, 3).Groups("group_id=3,type=select,bucket=actions=output:2,bucket=actions=output:3")
            .Flows("in_port=1 actions=group:3");
        var ports = new HashSet<uint>();
        for (ushort p = 1; p <= 200; p++)
        {
            t.Clear();
            t.Bridge.Receive(Udp("10.0.0.1", p, "10.0.0.2", (ushort)(1000 + p)), 1);
            ports.Add(Assert.Single(t.Out));
        }
        Assert.Single(ports);
    }

    [Fact]
    public void Idle_timeout_expires_on_virtual_time()
    {
        var t = new TestBridge(1, 2, 3).Flows("priority=10,idle_timeout=5,in_port=1 actions=output:2\npriority=1 actions=output:3");
        t.Bridge.Receive(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1);
        t.Now = 4_000_000_000;
        t.Bridge.Receive(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1);
        Assert.Equal(2, t.Sent[2].Count);
        t.Now = 9_500_000_000;                                     // 5.5 s idle
        t.Bridge.Receive(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1);
        Assert.Single(t.Sent[3]);
    }

    [Fact]
    public void Dump_flows_with_stats_and_prometheus_series()
    {
        var t = new TestBridge(1, 2).Flows("cookie=0x7,priority=10,udp actions=output:2\ntable=1,cookie=0x7,priority=5 actions=drop");
        t.Bridge.Receive(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1);
        t.Now = 2_500_000_000;
        var dump = StatsDump.DumpFlows(t.Bridge);
        Assert.Contains(" cookie=0x7, duration=2.500s, table=0, n_packets=1, n_bytes=46, idle_age=2, priority=10,udp actions=output:2", dump);
        var prom = PrometheusText.Render([t.Bridge]);
        Assert.Contains("meshsim_ovs_flow_packets_total{bridge=\"br0\",table=\"0\",cookie=\"0x7\"} 1\n", prom);
        Assert.Contains("meshsim_ovs_flow_bytes_total{bridge=\"br0\",table=\"0\",cookie=\"0x7\"} 46\n", prom);
        Assert.Contains("openvswitch_datapath_stats_flows{datapath=\"ovs-netdev\"} 2\n", prom);
        Assert.Contains("meshsim_ovs_port_tx_packets_total{bridge=\"br0\",port=\"p2\"} 1\n", prom);
    }

    [Fact]
    public void Conntrack_count_series_by_zone_state_mark()
    {
        var t = new TestBridge(1, 2).Flows("ip actions=ct(commit,zone=3,exec(set_field:0x2a->ct_mark)),output:2");
        t.Bridge.Receive(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1);
        t.Bridge.Receive(Udp("10.0.0.1", 5, "10.0.0.2", 2), 1);
        var prom = PrometheusText.Render([t.Bridge]);
        Assert.Contains("openvswitch_conntrack_count{zone=\"3\",state=\"UNREPLIED\",mark=\"42\"} 2\n", prom);
    }

    [Fact]
    public void Live_trace_shows_the_real_ct_state()
    {
        var t = new TestBridge(1, 2).Flows("""
            table=0,udp actions=ct(commit,table=1)
            table=1,ct_state=+trk+new actions=output:2
            table=1,ct_state=+trk+est actions=output:2
            """);
        var first = t.Bridge.Trace(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1, CtMode.Live);
        Assert.Equal("new|trk", first.Passes[1].CtState);
        var reply = t.Bridge.Trace(Udp("10.0.0.2", 2, "10.0.0.1", 1), 2, CtMode.Live);
        Assert.Equal("est|rpl|trk", reply.Passes[1].CtState);
        Assert.Contains("from the live connection table", reply.ToText());
    }
}

internal static class ByteArrayExtensions
{
    public static byte[] Also(this byte[] a, Action<byte[]> f) { f(a); return a; }
}

public class AllocationTests
{
    [Fact]
    public void Steady_state_nat_pipeline_allocates_nothing_per_packet()
    {
        long sent = 0;
        var bridge = new OpenFlowBridge("s1", MeshSim.Engine.SimRandom.ForStream(1, "alloc"), () => 0);
        bridge.AddPort(new BridgePort(1, "p1", BridgePortKind.System, _ => sent++));
        bridge.AddPort(new BridgePort(2, "p2", BridgePortKind.System, _ => sent++));
        bridge.AddFlows(OvsRuleFile.ParseFlows("""
            priority=50,tcp,in_port=1,ip_dst=192.168.1.250,tp_dst=9191,action=ct(commit,zone=1,nat(dst=192.168.1.12:20863)),mod_dl_dst:00:00:00:00:00:02,output:2
            priority=50,tcp,in_port=2,ct_state=-trk,action=ct(table=0,zone=1,nat)
            priority=50,tcp,in_port=2,ip_dst=192.168.1.11,ct_state=+est,ct_zone=1,action=output:1
            """).Entries.Select(e => e.Entry));
        bridge.Receive(Tcp("192.168.1.11", 40000, "192.168.1.250", 9191, TcpFlags.Syn, 100, 0), 1);
        bridge.Receive(Tcp("192.168.1.12", 20863, "192.168.1.11", 40000, TcpFlags.Syn | TcpFlags.Ack, 900, 101), 2);
        var ack = Tcp("192.168.1.11", 40000, "192.168.1.250", 9191, TcpFlags.Ack, 101, 901);
        var reply = Tcp("192.168.1.12", 20863, "192.168.1.11", 40000, TcpFlags.Ack, 901, 101);
        // Long enough a warm-up for tiered compilation to settle (a tier-up mid-measurement allocates).
        for (int i = 0; i < 5000; i++) { bridge.Receive(ack, 1); bridge.Receive(reply, 2); }
        sent = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++) { bridge.Receive(ack, 1); bridge.Receive(reply, 2); }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(400, sent);                  // DNAT forward and un-NAT reply both went out
        Assert.True(allocated < 400, $"{allocated} bytes allocated for 400 packets");
    }

    [Fact]
    public void Select_group_buckets_with_ovs_hashes_allocate_nothing_per_packet()
    {
        long sent = 0;
        var bridge = new OpenFlowBridge("s1", MeshSim.Engine.SimRandom.ForStream(1, "alloc"), () => 0);
        for (uint p = 1; p <= 3; p++) bridge.AddPort(new BridgePort(p, $"p{p}", BridgePortKind.System, _ => sent++));
        foreach (var g in OvsRuleFile.ParseGroups("""
            group_id=1,type=select,bucket=weight:3,actions=mod_dl_dst:00:00:00:00:00:02,output:2,bucket=weight:1,actions=output:3
            group_id=2,type=select,selection_method=hash,fields(ip_src,tcp_src),bucket=actions=output:2,bucket=actions=output:3
            group_id=3,type=select,bucket=weight:1,actions=output:2,bucket=weight:900,actions=output:3
            """).Entries) bridge.AddGroup(g.Entry);
        bridge.AddFlows(OvsRuleFile.ParseFlows("""
            priority=50,tcp,in_port=1,tp_dst=1 actions=group:1
            priority=50,tcp,in_port=1,tp_dst=2 actions=group:2
            priority=50,tcp,in_port=1,tp_dst=3 actions=group:3
            """).Entries.Select(e => e.Entry));
        var frames = new[] { 1, 2, 3 }.Select(d => Tcp("10.0.0.1", 4000, "10.0.0.2", (ushort)d, TcpFlags.Ack, 1, 1)).ToArray();
        for (int i = 0; i < 5000; i++) foreach (var f in frames) bridge.Receive(f, 1);
        sent = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++) foreach (var f in frames) bridge.Receive(f, 1);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(600, sent);
        Assert.True(allocated < 600, $"{allocated} bytes allocated for 600 packets");
    }
}
