using System.Buffers.Binary;
using MeshSim.P4.Emit;
using MeshSim.P4.Execution;
using static MeshSim.P4.Emit.E;
using static MeshSim.P4.Emit.P4JsonBuilder;
using static MeshSim.P4.Tests.TestFrames;

namespace MeshSim.P4.Tests.Execution;

public class ForwardingTests
{
    private static Harness Router(params string[] cmds) => new(TestPrograms.Router(), cmds);

    [Fact]
    public void Lpm_route_rewrites_macs_decrements_ttl_and_fixes_checksum()
    {
        var h = Router("table_add ipv4_lpm route 10.0.1.0/24 => 00:00:00:00:01:01 3");
        var frame = Ipv4(Ip("10.0.0.1"), Ip("10.0.1.7"), ttl: 64);
        var outs = h.Send(frame);
        var (port, o) = Assert.Single(outs);
        Assert.Equal(3, port);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 1, 1 }, o[0..6]);
        Assert.Equal(frame[0..6], o[6..12]);          // old dst became src
        Assert.Equal(63, o[14 + 8]);                   // ttl - 1
        Assert.Equal(0xFFFF, (ushort)~HashAlgorithms.Csum16(o.AsSpan(14, 20)));   // header incl. checksum sums to 0xFFFF
        Assert.Equal(frame[34..], o[34..]);            // L4 and payload untouched
    }

    [Fact]
    public void Longest_prefix_wins_regardless_of_insertion_order()
    {
        var h = Router("table_add ipv4_lpm forward 10.0.0.0/8 => 1", "table_add ipv4_lpm forward 10.0.1.128/25 => 3", "table_add ipv4_lpm forward 10.0.1.0/24 => 2");
        Assert.Equal(3, h.Send(Ipv4(1, Ip("10.0.1.200")))[0].Port);
        Assert.Equal(2, h.Send(Ipv4(1, Ip("10.0.1.100")))[0].Port);
        Assert.Equal(1, h.Send(Ipv4(1, Ip("10.9.9.9")))[0].Port);
    }

    [Fact]
    public void Ttl_arithmetic_wraps_at_the_field_width()
    {
        var h = Router("table_add ipv4_lpm route 0.0.0.0/0 => 00:00:00:00:00:09 1");
        var o = h.Send(Ipv4(1, 2, ttl: 0))[0].Frame;
        Assert.Equal(255, o[22]);   // (0 + 0xff) & 0xff, as p4c compiles ttl - 1
    }

    [Fact]
    public void Default_action_drop_drops_and_default_egress_spec_is_port_0()
    {
        var h = Router();
        Assert.Empty(h.Send(Ipv4(1, 2)));                       // ipv4_lpm default: drop
        var arp = new byte[60]; arp[12] = 0x08; arp[13] = 0x06;   // not IPv4: no table applies
        var (port, _) = Assert.Single(h.Send(arp));
        Assert.Equal(0, port);                                    // egress_spec never written: port 0
    }

    [Fact]
    public void A_later_egress_spec_assignment_overrides_mark_to_drop()
    {
        var h = Router("table_add ipv4_lpm drop 10.0.0.0/8 =>", "table_add acl forward 0&&&0 0&&&0 => 5 10");
        var (port, _) = Assert.Single(h.Send(Ipv4(1, Ip("10.1.1.1"))));
        Assert.Equal(5, port);
    }

    [Fact]
    public void Assigning_511_to_egress_spec_drops_without_mark_to_drop()
    {
        var h = Router("table_add ipv4_lpm forward 10.0.0.0/8 => 4", "table_add acl set_drop_port 0&&&0 0&&&0 => 1");
        Assert.Empty(h.Send(Ipv4(1, Ip("10.1.1.1"))));
        Assert.Contains("Dropping packet at the end of ingress", h.Trace);
    }

    [Fact]
    public void Ternary_lower_priority_number_wins()
    {
        var h = Router("table_add ipv4_lpm forward 0.0.0.0/0 => 1",
            "table_add acl forward 10.0.0.0&&&255.0.0.0 0&&&0 => 7 20",
            "table_add acl forward 10.0.0.5&&&255.255.255.255 0&&&0 => 8 30",
            "table_add acl forward 0&&&0 80&&&0xffff => 9 5");
        Assert.Equal(9, h.Send(Ipv4(Ip("10.0.0.5"), 2, dport: 80))[0].Port);   // priority 5 beats 20 and 30
        Assert.Equal(7, h.Send(Ipv4(Ip("10.0.0.5"), 2, dport: 81))[0].Port);   // 20 beats 30 though 30 is more specific
        Assert.Equal(1, h.Send(Ipv4(Ip("11.0.0.5"), 2, dport: 81))[0].Port);   // acl miss: NoAction
    }

    [Fact]
    public void Range_match_with_exact_field()
    {
        var h = Router("table_add ipv4_lpm forward 0.0.0.0/0 => 1", "table_add ports forward 1000->2000 17 => 6 1");
        Assert.Equal(6, h.Send(Ipv4(1, 2, protocol: 17, sport: 1000))[0].Port);
        Assert.Equal(6, h.Send(Ipv4(1, 2, protocol: 17, sport: 2000))[0].Port);
        Assert.Equal(1, h.Send(Ipv4(1, 2, protocol: 17, sport: 2001))[0].Port);
        Assert.Equal(1, h.Send(Ipv4(1, 2, protocol: 6, sport: 1500))[0].Port);
    }

    [Fact]
    public void Truncated_ipv4_sets_parser_error_PacketTooShort_and_ingress_still_runs()
    {
        var h = Router();
        var frame = Ipv4(1, 2)[..30];                         // IPv4 header cut after 16 bytes
        var (port, o) = Assert.Single(h.Send(frame));
        Assert.Equal(9, port);                                // tbl_error ran in ingress
        Assert.Equal(1, BinaryPrimitives.ReadUInt16BigEndian(o.AsSpan(12)));   // error.PacketTooShort == 1
        Assert.Equal(frame[14..], o[14..]);                   // unparsed bytes are carried as payload
        Assert.Contains("error PacketTooShort", h.Trace);
    }

    [Fact]
    public void Bad_ipv4_checksum_sets_checksum_error()
    {
        var h = Router("table_add ipv4_lpm forward 0.0.0.0/0 => 1");
        var (port, o) = Assert.Single(h.Send(Ipv4(1, 2, goodChecksum: false)));
        Assert.Equal(8, port);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16BigEndian(o.AsSpan(12)));
        Assert.Equal(1, h.Send(Ipv4(1, 2))[0].Port);
    }

    [Fact]
    public void Counters_and_registers_update_and_read_back_through_the_cli()
    {
        var h = Router("table_add ipv4_lpm route 10.0.0.0/8 => 00:00:00:00:00:01 3");
        h.Send(Ipv4(1, Ip("10.0.0.1"), ttl: 9, payload: 8));
        h.Send(Ipv4(1, Ip("10.0.0.2"), ttl: 7, payload: 8));
        Assert.Equal("port_counter[3]= (92 bytes, 2 packets)", h.Run("counter_read port_counter 3"));
        Assert.Equal("last_ttl[3]= 6", h.Run("register_read last_ttl 3"));
        h.Run("counter_reset port_counter");
        Assert.Equal("port_counter[3]= (0 bytes, 0 packets)", h.Run("counter_read port_counter 3"));
    }

    [Fact]
    public void Direct_counter_counts_hits_per_entry_handle()
    {
        var h = Router("table_add ipv4_lpm forward 0.0.0.0/0 => 1", "table_add acl NoAction 0&&&0 80&&&0xffff => 1");
        h.Send(Ipv4(1, 2, dport: 80)); h.Send(Ipv4(1, 2, dport: 81)); h.Send(Ipv4(1, 2, dport: 80));
        Assert.EndsWith("(92 bytes, 2 packets)", h.Run("counter_read acl_counter 0"));
    }

    [Fact]
    public void Multicast_replicates_per_node_and_port_with_rid_and_instance_type()
    {
        var h = Router("table_add ipv4_lpm set_mcast 0.0.0.0/0 => 7", "mc_mgrp_create 7",
            "mc_node_create 100 3 1", "mc_node_create 200 2", "mc_node_associate 7 0", "mc_node_associate 7 1");
        var outs = h.Send(Ipv4(1, 2));
        Assert.Equal([1, 3, 2], outs.Select(o => o.Port));
        // egress stamped srcAddr = instance_type << 16 | egress_rid; REPLICATION = 5
        Assert.Equal([(5UL << 16) | 100, (5UL << 16) | 100, (5UL << 16) | 200], outs.Select(o => (ulong)BinaryPrimitives.ReadUInt64BigEndian([0, 0, .. o.Frame[6..12]])));
    }

    [Fact]
    public void Ingress_clone_is_the_original_packet_with_instance_type_1()
    {
        var h = Router("table_add ipv4_lpm clone_to 0.0.0.0/0 => 5", "mirroring_add 5 4");
        var frame = Ipv4(1, 2);
        var outs = h.Send(frame);
        Assert.Equal(2, outs.Count);
        Assert.Equal(4, outs[0].Port);                      // the clone, first
        Assert.Equal((ulong)1 << 16, BinaryPrimitives.ReadUInt64BigEndian([0, 0, .. outs[0].Frame[6..12]]));
        Assert.Equal(frame[12..], outs[0].Frame[12..]);
        Assert.Equal(0, outs[1].Port);                      // the original: egress_spec untouched
        Assert.Equal(frame, outs[1].Frame);
    }

    [Fact]
    public void Resubmit_restarts_ingress_with_preserved_field_list()
    {
        var h = new Harness(TestPrograms.Passes(recirculate: false));
        var frame = Ipv4(1, 2);
        var (port, o) = Assert.Single(h.Send(frame));
        Assert.Equal(6, port);
        Assert.Equal(0x55, BinaryPrimitives.ReadUInt16BigEndian(o.AsSpan(12)));   // meta.tmp survived
        Assert.Equal(6UL, BinaryPrimitives.ReadUInt64BigEndian([0, 0, .. o[6..12]]));   // RESUBMIT
    }

    [Fact]
    public void Recirculate_feeds_the_deparsed_packet_back_with_instance_type_4()
    {
        var h = new Harness(TestPrograms.Passes(recirculate: true));
        var (port, o) = Assert.Single(h.Send(Ipv4(1, 2)));
        Assert.Equal(4, port);
        Assert.Equal(0x66, BinaryPrimitives.ReadUInt16BigEndian(o.AsSpan(12)));
        Assert.Equal(4UL, BinaryPrimitives.ReadUInt64BigEndian([0, 0, .. o[6..12]]));
    }

    [Fact]
    public void Hash_based_offset_uses_crc16_over_the_five_tuple()
    {
        var h = Router("table_add ipv4_lpm hash_bucket 0.0.0.0/0 =>");
        var frame = Ipv4(Ip("10.0.0.1"), Ip("10.0.0.2"), protocol: 6, sport: 1111, dport: 80);
        var o = h.Send(frame)[0].Frame;
        byte[] input = [.. frame[26..34], 6, .. frame[34..38]];
        Assert.Equal(HashAlgorithms.Crc16(input), BinaryPrimitives.ReadUInt16BigEndian(o.AsSpan(12)));
    }

    [Fact]
    public void Meter_turns_red_after_burst_and_green_after_refill()
    {
        var h = Router("table_add ipv4_lpm meter_it 0.0.0.0/0 =>", "meter_set_rates port_meter 0 0.001:1 0.002:2");
        int Color(long t) => BinaryPrimitives.ReadUInt16BigEndian(h.Send(Ipv4(1, 2), nowNs: t)[0].Frame.AsSpan(12));
        Assert.Equal(MeterColor.Green, Color(0));
        Assert.Equal(MeterColor.Yellow, Color(1));
        Assert.Equal(MeterColor.Red, Color(2));
        Assert.Equal(MeterColor.Green, Color(10_000_000));   // 10 ms later both buckets are full again
    }

    [Fact]
    public void Trace_names_states_tables_and_actions()
    {
        var h = Router("table_add ipv4_lpm forward 10.0.0.0/8 => 2");
        h.Send(Ipv4(1, Ip("10.0.0.1")));
        var t = h.Trace;
        Assert.Contains("Parser 'parser': state 'parse_ipv4'", t);
        Assert.Contains("Table 'MyIngress.ipv4_lpm': hit with handle 0", t);
        Assert.Contains("Action entry is forward - 00:02", t);
        Assert.Contains("Table 'MyIngress.acl': miss", t);
        Assert.Contains("Transmitting packet of size 46 out of port 2", t);
    }
}

public class V1ModelMetadataTests
{
    [Fact]
    public void Parser_error_starts_as_the_programs_NoError_value()
    {
        var j = TestPrograms.RouterBuilder().Build();
        j["errors"]![0]![1] = 5;                       // NoError = 5 (p4c picks the values; 0 is only a recommendation)
        var p = MeshSim.P4.Loading.P4Loader.Load(j.ToJsonString()).Program!;
        var h = new Harness(p, "table_add ipv4_lpm forward 0.0.0.0/0 => 1");
        var (port, o) = Assert.Single(h.Send(Ipv4(1, 2)));
        Assert.Equal(9, port);                         // the router's "parser_error != 0" branch fires
        Assert.Equal(5, BinaryPrimitives.ReadUInt16BigEndian(o.AsSpan(12)));
    }

    [Fact]
    public void Egress_packet_length_is_the_length_ingress_left()
    {
        var b = TestPrograms.RouterBuilder();
        b.Action("strip_l4", [], Prim("remove_header", E.Header("l4")), Assign(F("standard_metadata", "egress_spec"), E.Hex(1)));
        b.Action("len_to_ttl", [], Assign(F("ipv4", "ttl"), Op("&", F("standard_metadata", "packet_length"), E.Hex(0xff))));
        b.Table("ingress", "strip").Actions("strip_l4").Default("strip_l4", isConst: true).Next(null);
        b.Init("ingress", "strip");
        b.Init("egress", "len");
        b.Table("egress", "len").Actions("len_to_ttl").Default("len_to_ttl", isConst: true).Next(null);
        var h = new Harness(TestPrograms.Load(b));
        var frame = Ipv4(1, 2, payload: 8);            // 14 + 20 + 4 + 8 = 46 bytes
        var (_, o) = Assert.Single(h.Send(frame));
        Assert.Equal(42, o.Length);
        Assert.Equal(42, o[22]);                       // egress saw 42, not the 46 that arrived
    }
}
