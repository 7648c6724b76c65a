using MeshSim.P4.Emit;
using MeshSim.P4.Loading;
using MeshSim.P4.Model;
using static MeshSim.P4.Emit.E;
using static MeshSim.P4.Emit.P4JsonBuilder;

namespace MeshSim.P4.Tests;

/// <summary>
/// Test programs written with the builder, shaped like p4c-bm2-ss output for v1model: an
/// Ethernet/IPv4/L4 router with an LPM route table, a ternary ACL, checksum verify/update,
/// counters, registers, multicast, clone; and a small resubmit/recirculate program.
/// </summary>
internal static class TestPrograms
{
    public static P4JsonBuilder RouterBuilder()
    {
        var b = new P4JsonBuilder("router.p4");
        b.HeaderType("ethernet_t", ("dstAddr", 48), ("srcAddr", 48), ("etherType", 16));
        b.HeaderType("ipv4_t", ("version", 4), ("ihl", 4), ("diffserv", 8), ("totalLen", 16), ("identification", 16), ("flags", 3),
            ("fragOffset", 13), ("ttl", 8), ("protocol", 8), ("hdrChecksum", 16), ("srcAddr", 32), ("dstAddr", 32));
        b.HeaderType("l4_t", ("srcPort", 16), ("dstPort", 16));
        b.HeaderType("meta_t", ("tmp", 16), ("color", 8), ("regval", 32), ("bucket", 16));
        b.Header("ethernet", "ethernet_t").Header("ipv4", "ipv4_t").Header("l4", "l4_t").Header("meta", "meta_t", metadata: true);
        b.FieldList("keep_tmp", F("meta", "tmp"));

        b.State("start").Extract("ethernet").Key(F("ethernet", "etherType")).Case("0x0800", "parse_ipv4").Default(null);
        b.State("parse_ipv4").Extract("ipv4").Key(F("ipv4", "protocol")).Case("0x06", "parse_l4").Case("0x11", "parse_l4").Default(null);
        b.State("parse_l4").Extract("l4").Default(null);
        b.Deparse("ethernet", "ipv4", "l4");

        var ipFields = new[] { "version", "ihl", "diffserv", "totalLen", "identification", "flags", "fragOffset", "ttl", "protocol", "srcAddr", "dstAddr" }
            .Select(f => F("ipv4", f)).ToArray();
        b.Calculation("ipv4_csum", "csum16", ipFields);
        b.Checksum("cksum", "ipv4", "hdrChecksum", "ipv4_csum", verify: true, update: false, IsValid("ipv4"));
        b.Checksum("cksum_0", "ipv4", "hdrChecksum", "ipv4_csum", verify: false, update: true, IsValid("ipv4"));
        b.Calculation("flow_hash", "crc16", F("ipv4", "srcAddr"), F("ipv4", "dstAddr"), F("ipv4", "protocol"), F("l4", "srcPort"), F("l4", "dstPort"));

        b.Counter("port_counter", 512);
        b.Register("last_ttl", 16, 8);
        b.Meter("port_meter", 4);

        b.Action("NoAction", []);
        b.Action("drop", [], Prim("mark_to_drop", Header("standard_metadata")));
        b.Action("forward", [("port", 9)], Assign(F("standard_metadata", "egress_spec"), Param(0)));
        b.Action("route", [("dmac", 48), ("port", 9)],
            Assign(F("ethernet", "srcAddr"), F("ethernet", "dstAddr")),
            Assign(F("ethernet", "dstAddr"), Param(0)),
            Assign(F("standard_metadata", "egress_spec"), Param(1)),
            Assign(F("ipv4", "ttl"), Arith("+", F("ipv4", "ttl"), Hex(0xff), 8)),
            Prim("count", Named("counter_array", "port_counter"), Param(1)),
            Prim("register_write", Named("register_array", "last_ttl"), Param(1), F("ipv4", "ttl")));
        b.Action("set_drop_port", [], Assign(F("standard_metadata", "egress_spec"), Hex(511)));
        b.Action("set_mcast", [("grp", 16)], Assign(F("standard_metadata", "mcast_grp"), Param(0)));
        b.Action("clone_to", [("session", 32)], Prim("clone_ingress_pkt_to_egress", Param(0), Hex(1)));
        b.Action("to_error_port", [], Assign(F("ethernet", "etherType"), Op("&", F("standard_metadata", "parser_error"), Hex(0xffff))),
            Assign(F("standard_metadata", "egress_spec"), Hex(9)));
        b.Action("hash_bucket", [], Prim("modify_field_with_hash_based_offset", F("meta", "bucket"), Hex(0), Named("calculation", "flow_hash"), Hex(0x10000)),
            Assign(F("ethernet", "etherType"), F("meta", "bucket")));
        b.Action("mark_checksum", [], Assign(F("ethernet", "etherType"), Op("&", F("standard_metadata", "checksum_error"), Hex(0xffff))),
            Assign(F("standard_metadata", "egress_spec"), Hex(8)));
        b.Action("stamp", [], Assign(F("ethernet", "srcAddr"),
            Op("|", Op("<<", F("standard_metadata", "instance_type"), Hex(16)), F("standard_metadata", "egress_rid"))));
        b.Action("meter_it", [], Prim("execute_meter", Named("meter_array", "port_meter"), Hex(0), F("meta", "color")),
            Assign(F("ethernet", "etherType"), F("meta", "color")), Assign(F("standard_metadata", "egress_spec"), Hex(2)));

        b.Init("ingress", "node_err");
        b.Conditional("ingress", "node_err", Op("!=", F("standard_metadata", "parser_error"), Hex(0)), "tbl_error", "node_ck");
        b.Table("ingress", "tbl_error").Actions("to_error_port").Default("to_error_port", isConst: true).Next(null);
        b.Conditional("ingress", "node_ck", Op("!=", F("standard_metadata", "checksum_error"), Hex(0)), "tbl_ck", "node_ip");
        b.Table("ingress", "tbl_ck").Actions("mark_checksum").Default("mark_checksum", isConst: true).Next(null);
        b.Conditional("ingress", "node_ip", IsValid("ipv4"), "MyIngress.ipv4_lpm", null);
        b.Table("ingress", "MyIngress.ipv4_lpm").Key("lpm", "ipv4", "dstAddr", "hdr.ipv4.dstAddr")
            .Actions("route", "drop", "NoAction", "set_mcast", "clone_to", "hash_bucket", "meter_it", "forward").Default("drop").Next("MyIngress.acl");
        b.Table("ingress", "MyIngress.acl").Key("ternary", "ipv4", "srcAddr", "hdr.ipv4.srcAddr").Key("ternary", "l4", "dstPort", "hdr.l4.dstPort")
            .Actions("forward", "drop", "NoAction", "set_drop_port").Default("NoAction").Next("MyIngress.ports").Counters();
        b.Counter("MyIngress.acl_counter", 0, directTable: "MyIngress.acl");
        b.Table("ingress", "MyIngress.ports").Key("range", "l4", "srcPort", "hdr.l4.srcPort").Key("exact", "ipv4", "protocol", "hdr.ipv4.protocol")
            .Actions("forward", "NoAction").Default("NoAction").Next(null);
        b.Init("egress", "tbl_stamp");
        b.Conditional("egress", "tbl_stamp", Op("!=", F("standard_metadata", "instance_type"), Hex(0)), "egress_stamp", null);
        b.Table("egress", "egress_stamp").Actions("stamp").Default("stamp", isConst: true).Next(null);
        return b;
    }

    public static P4Program Load(P4JsonBuilder b)
    {
        var r = P4Loader.Load(b.ToJson());
        Assert.True(r.Success, string.Join("\n", r.Errors));
        return r.Program!;
    }

    public static P4Program Router() => Load(RouterBuilder());

    /// <summary>Ingress: first pass sets meta.tmp=0x55 and resubmits (or, on egress, recirculates); later passes expose meta.tmp and instance_type in etherType/srcAddr.</summary>
    public static P4Program Passes(bool recirculate)
    {
        var b = new P4JsonBuilder("passes.p4");
        b.HeaderType("ethernet_t", ("dstAddr", 48), ("srcAddr", 48), ("etherType", 16));
        b.HeaderType("meta_t", ("tmp", 16));
        b.Header("ethernet", "ethernet_t").Header("meta", "meta_t", metadata: true);
        b.FieldList("keep_tmp", F("meta", "tmp"));
        b.State("start").Extract("ethernet").Default(null);
        b.Deparse("ethernet");
        b.Action("expose", [("port", 9)], Assign(F("ethernet", "etherType"), F("meta", "tmp")),
            Assign(F("ethernet", "srcAddr"), F("standard_metadata", "instance_type")), Assign(F("standard_metadata", "egress_spec"), Param(0)));
        var first = Op("==", F("standard_metadata", "instance_type"), Hex(0));
        if (!recirculate)
        {
            b.Action("first", [], Assign(F("meta", "tmp"), Hex(0x55)), Prim("resubmit", Hex(1)));
            b.Init("ingress", "node_first");
            b.Conditional("ingress", "node_first", first, "tbl_first", "tbl_later");
            b.Table("ingress", "tbl_first").Actions("first").Default("first", isConst: true).Next(null);
            b.Table("ingress", "tbl_later").Actions("expose").Default("expose", true, 6).Next(null);
        }
        else
        {
            b.Action("to_port1", [], Assign(F("standard_metadata", "egress_spec"), Hex(1)));
            b.Action("recirc", [], Assign(F("meta", "tmp"), Hex(0x66)), Prim("recirculate", Hex(1)));
            b.Init("ingress", "node_first");
            b.Conditional("ingress", "node_first", first, "tbl_first", "tbl_later");
            b.Table("ingress", "tbl_first").Actions("to_port1").Default("to_port1", isConst: true).Next(null);
            b.Table("ingress", "tbl_later").Actions("expose").Default("expose", true, 4).Next(null);
            b.Init("egress", "node_e");
            b.Conditional("egress", "node_e", first, "tbl_recirc", null);
            b.Table("egress", "tbl_recirc").Actions("recirc").Default("recirc", isConst: true).Next(null);
        }
        return Load(b);
    }

    /// <summary>The router with an extra ingress table "lb" (exact dstAddr, indirect_ws over a crc16 5-tuple selector).</summary>
    public static P4Program Selector()
    {
        var b = RouterBuilder();
        b.ActionProfile("ingress", "lb_selector", 64, "crc16", F("ipv4", "srcAddr"), F("ipv4", "dstAddr"), F("ipv4", "protocol"), F("l4", "srcPort"), F("l4", "dstPort"));
        b.Table("ingress", "MyIngress.lb").Key("exact", "ipv4", "dstAddr").Actions("forward", "NoAction").Indirect("lb_selector", withSelector: true).Next(null);
        b.Init("ingress", "MyIngress.lb");
        return Load(b);
    }
}
