using MeshSim.P4.Emit;
using static MeshSim.P4.Emit.E;
using static MeshSim.P4.Emit.P4JsonBuilder;

namespace MeshSim.P4.Programs;

/// <summary>
/// The mesh switch program (p4/mesh.p4 is its readable P4_16 source; p4/mesh.json is this builder's
/// output). One v1model pipeline does four jobs:
/// <list type="number">
/// <item>ARP responder for virtual IPs (<c>arp_vip</c>), plain L2 forwarding otherwise (<c>l2</c>).</item>
/// <item>VIP load balancing (<c>vip</c>, keyed by virtual IP, protocol, port and client address, → <c>lb</c>: an action selector hashing the 5-tuple) with
/// per-connection consistency: the first packet of a connection pins the chosen backend in the
/// <c>conn_table</c> register (indexed by a CRC32 of the 5-tuple, SilkRoad-style), later packets follow
/// the pin, TCP FIN/RST unpins. Changing a selector group therefore moves no open connection; a
/// pinned backend that disappears (its <c>backend</c> entry deleted) costs one dropped packet, after
/// which the connection is re-selected. Two flows colliding in the 65536-slot table share a pin.</item>
/// <item>Mesh-header L7 routing (<c>l7</c>): method, route prefix (first 16 bytes), and the first
/// carried header (8-byte label prefix, 8-byte value prefix, with their lengths) pick a subset
/// (canary, weighted rollout: weights are member multiplicities in the subset's selector group)
/// or deny (L7 intentions); a direct counter per rule gives per-route counts.</item>
/// <item>Circuit breaking: responses carrying a mesh header are counted per backend instance
/// (<c>cb_instance</c>); <c>threshold</c> consecutive 5xx trip the instance for <c>cooldown</c> µs
/// (<c>tripped_until</c> register). A selection that lands on a tripped instance is retried once with a
/// second selector (<c>lb_retry</c>) (CRC32 instead of CRC16), so a tripped instance still receives new flows only
/// when both hashes choose it; it returns by itself when the cool-down ends.</item>
/// </list>
/// L7 decisions are taken when a connection's first packet carries the mesh header (UDP, or TCP
/// with data in the first packet); a TCP connection pinned at its SYN keeps its backend, and L7
/// rules then act as intentions (deny) and counters only.
/// </summary>
public static class MeshProgram
{
    public const int ConnSlots = 65536, Instances = 1024;

    public static P4JsonBuilder Build()
    {
        var b = new P4JsonBuilder("mesh.p4");
        b.HeaderType("ethernet_t", ("dstAddr", 48), ("srcAddr", 48), ("etherType", 16));
        b.HeaderType("arp_t", ("htype", 16), ("ptype", 16), ("hlen", 8), ("plen", 8), ("oper", 16), ("sha", 48), ("spa", 32), ("tha", 48), ("tpa", 32));
        b.HeaderType("ipv4_t", ("version", 4), ("ihl", 4), ("diffserv", 8), ("totalLen", 16), ("identification", 16), ("flags", 3),
            ("fragOffset", 13), ("ttl", 8), ("protocol", 8), ("hdrChecksum", 16), ("srcAddr", 32), ("dstAddr", 32));
        b.HeaderType("tcp_t", ("srcPort", 16), ("dstPort", 16), ("seqNo", 32), ("ackNo", 32), ("dataOffset", 4), ("res", 4), ("flags", 8),
            ("window", 16), ("checksum", 16), ("urgentPtr", 16));
        b.VarbitHeaderType("tcp_options_t", 40, "options");
        b.HeaderType("udp_t", ("srcPort", 16), ("dstPort", 16), ("length_", 16), ("checksum", 16));
        b.HeaderType("mesh_t", ("magic", 16), ("version", 8), ("count", 8), ("total_len", 16), ("t", 1), ("method", 4), ("status", 10), ("reserved", 1), ("route_len", 16));
        b.VarbitHeaderType("mesh_route_t", 2048, "route");
        b.HeaderType("mesh_h_t", ("label_len", 8), ("value_len", 16));
        b.VarbitHeaderType("mesh_table_t", 3 * 31, "entries");
        b.VarbitHeaderType("mesh_label_t", 64, "label");
        b.HeaderType("meta_t", ("l4_len", 16), ("sport", 16), ("dport", 16), ("mesh_room", 8), ("route_prefix", 128), ("h0_label", 64), ("h0_value", 64),
            ("vip", 16), ("subset", 16), ("conn_idx", 32), ("pinned", 16), ("backend", 16), ("slot", 48), ("conn_hash", 32), ("until", 48), ("now", 48), ("errs", 16), ("is5xx", 8),
            ("trip", 8), ("tmp_ip", 32));
        foreach (var (n, t) in new[] { ("ethernet", "ethernet_t"), ("arp", "arp_t"), ("ipv4", "ipv4_t"), ("tcp", "tcp_t"), ("tcp_options", "tcp_options_t"),
                                       ("udp", "udp_t"), ("mesh", "mesh_t"), ("mesh_h0", "mesh_h_t"), ("mesh_table", "mesh_table_t"), ("mesh_route", "mesh_route_t"),
                                       ("mesh_h0_label", "mesh_label_t") })
            b.Header(n, t);
        b.Header("meta", "meta_t", metadata: true);

        Parser(b);
        b.Deparse("ethernet", "arp", "ipv4", "tcp", "tcp_options", "udp", "mesh", "mesh_h0", "mesh_table", "mesh_route", "mesh_h0_label");
        Checksums(b);

        var tuple = new[] { F("ipv4", "srcAddr"), F("ipv4", "dstAddr"), F("ipv4", "protocol"), F("meta", "sport"), F("meta", "dport") };
        b.Calculation("conn_hash", "crc32", tuple);
        b.Register("conn_table", ConnSlots, 48);
        b.Register("tripped_until", Instances, 48);
        b.Register("err_count", Instances, 16);

        Actions(b);
        Ingress(b, tuple);
        return b;
    }

    public static string Json() => Build().ToJson();

    private static JsonObjectRef M(string f) => new(F("meta", f));

    private readonly record struct JsonObjectRef(System.Text.Json.Nodes.JsonObject Node)
    {
        public static implicit operator System.Text.Json.Nodes.JsonObject(JsonObjectRef r) => r.Node;
    }

    private static System.Text.Json.Nodes.JsonObject Mask(System.Text.Json.Nodes.JsonObject e, int width) => Op("&", e, Hex(UInt128.MaxValue >> (128 - width), width));

    private static void Parser(P4JsonBuilder b)
    {
        b.State("start").Extract("ethernet").Key(F("ethernet", "etherType")).Case("0x0806", "parse_arp").Case("0x0800", "parse_ipv4").Default(null);
        b.State("parse_arp").Extract("arp").Default(null);
        b.State("parse_ipv4").Extract("ipv4")
            .Set(M("l4_len"), Mask(Op("-", F("ipv4", "totalLen"), Op("<<", F("ipv4", "ihl"), Hex(2))), 16))
            .Key(F("ipv4", "ihl"), F("ipv4", "protocol")).Case("0x0506", "parse_tcp").Case("0x0511", "parse_udp").Default(null);
        b.State("parse_tcp").Extract("tcp")
            .Verify(Op(">=", F("tcp", "dataOffset"), Hex(5)), "ParserInvalidArgument")
            .ExtractVL("tcp_options", Op("<<", Op("-", Op("<<", F("tcp", "dataOffset"), Hex(2)), Hex(20)), Hex(3)))
            .Set(M("sport"), F("tcp", "srcPort")).Set(M("dport"), F("tcp", "dstPort"))
            .Set(M("mesh_room"), B2D(Op(">=", Mask(Op("-", F("meta", "l4_len"), Op("<<", F("tcp", "dataOffset"), Hex(2))), 16), Hex(10))))
            .Key(F("meta", "mesh_room")).Case("0x01", "check_mesh").Default(null);
        b.State("parse_udp").Extract("udp")
            .Set(M("sport"), F("udp", "srcPort")).Set(M("dport"), F("udp", "dstPort"))
            .Set(M("mesh_room"), B2D(Op(">=", Mask(Op("-", F("udp", "length_"), Hex(8)), 16), Hex(10))))
            .Key(F("meta", "mesh_room")).Case("0x01", "check_mesh").Default(null);
        b.State("check_mesh").Lookahead(0, 16).Case("0x4d48", "parse_mesh").Default(null);
        // Mesh header v2: fixed part, field table (count entries of 3 bytes), route, labels and values.
        // Requests (t = 0) go on, by whether they carry headers; responses stop here. One select on
        // (t, count), not two states: a parser state less per request.
        b.State("parse_mesh").Extract("mesh").Key(F("mesh", "t"), F("mesh", "count"))
            .Case("0x0000", "parse_route").Case("0x0000", "parse_table", mask: "0xff00").Default(null);
        b.State("parse_table").Extract("mesh_h0")
            .ExtractVL("mesh_table", Op("*", Op("-", F("mesh", "count"), Hex(1)), Hex(24)))
            .Default("parse_route");
        b.State("parse_route")
            .Set(M("route_prefix"), Lookahead(0, 128))
            .ExtractVL("mesh_route", Op("<<", F("mesh", "route_len"), Hex(3)))
            .Key(F("mesh", "count")).Case("0x00", null).Default("parse_h0");
        b.State("parse_h0")
            .Set(M("h0_label"), Lookahead(0, 64))
            .ExtractVL("mesh_h0_label", Op("<<", F("mesh_h0", "label_len"), Hex(3)))
            .Set(M("h0_value"), Lookahead(0, 64))
            .Default(null);
    }

    private static void Checksums(P4JsonBuilder b)
    {
        var ip = new[] { "version", "ihl", "diffserv", "totalLen", "identification", "flags", "fragOffset", "ttl", "protocol", "srcAddr", "dstAddr" }.Select(f => F("ipv4", f));
        b.Calculation("ipv4_csum", "csum16", ip.ToArray());
        b.Checksum("ipv4_update", "ipv4", "hdrChecksum", "ipv4_csum", verify: false, update: true, IsValid("ipv4"));
        System.Text.Json.Nodes.JsonObject Zero8() => new() { ["type"] = "hexstr", ["value"] = "0x00", ["bitwidth"] = 8 };
        var pseudo = new[] { F("ipv4", "srcAddr"), F("ipv4", "dstAddr"), Zero8(), F("ipv4", "protocol"), F("meta", "l4_len") };
        var tcp = new[] { "srcPort", "dstPort", "seqNo", "ackNo", "dataOffset", "res", "flags", "window", "urgentPtr" }.Select(f => F("tcp", f));
        b.Calculation("tcp_csum", "csum16", [.. pseudo, .. tcp, Header("tcp_options"), new System.Text.Json.Nodes.JsonObject { ["type"] = "payload", ["value"] = null }]);
        b.Checksum("tcp_update", "tcp", "checksum", "tcp_csum", verify: false, update: true, IsValid("tcp"));
        var udp = new[] { "srcPort", "dstPort", "length_" }.Select(f => F("udp", f));
        b.Calculation("udp_csum", "csum16", [.. pseudo, .. udp, new System.Text.Json.Nodes.JsonObject { ["type"] = "payload", ["value"] = null }]);
        // UDP checksum 0 means "none" (RFC 768): only refresh checksums that were present.
        b.Checksum("udp_update", "udp", "checksum", "udp_csum", verify: false, update: true, And(IsValid("udp"), Op("!=", F("udp", "checksum"), Hex(0))));
    }

    private static System.Text.Json.Nodes.JsonObject Std(string f) => F("standard_metadata", f);
    private static System.Text.Json.Nodes.JsonObject Bool(System.Text.Json.Nodes.JsonObject cond) => Ternary(cond, Hex(1), Hex(0));

    private static void Actions(P4JsonBuilder b)
    {
        b.Action("NoAction", []);
        b.Action("drop", [], Prim("mark_to_drop", Header("standard_metadata")));
        b.Action("forward", [("port", 9)], Assign(Std("egress_spec"), Param(0)));
        b.Action("flood", [], Assign(Std("mcast_grp"), Hex(1)));
        b.Action("arp_reply", [("vmac", 48)],
            Assign(F("ethernet", "dstAddr"), F("ethernet", "srcAddr")), Assign(F("ethernet", "srcAddr"), Param(0)),
            Assign(F("arp", "oper"), Hex(2)), Assign(F("arp", "tha"), F("arp", "sha")), Assign(F("arp", "sha"), Param(0)),
            Assign(M("tmp_ip"), F("arp", "tpa")), Assign(F("arp", "tpa"), F("arp", "spa")), Assign(F("arp", "spa"), M("tmp_ip")),
            Assign(Std("egress_spec"), Std("ingress_port")));
        // set_vip also looks the connection up (what conn_lookup() does in mesh.p4): one table apply less per VIP packet.
        b.Action("set_vip", [("vip", 16)], Assign(M("vip"), Param(0)),
            // One CRC32: its low 16 bits index the slot, its high 16 bits are the slot's digest.
            Prim("modify_field_with_hash_based_offset", M("conn_hash"), Hex(0), Named("calculation", "conn_hash"), Hex(1UL << 32)),
            Assign(M("conn_idx"), Op("&", M("conn_hash"), Hex(0xffff))),
            Prim("register_read", M("slot"), Named("register_array", "conn_table"), M("conn_idx")),
            // A slot holds digest ++ VIP id ++ backend id: a pin written by another connection (a stale pin
            // of a closed one, or a live one, whose 5-tuple hashes to the same slot) or for another VIP
            // reads as "not pinned", so it is never used.
            Assign(M("pinned"), Ternary(Op("==", Op(">>", M("slot"), Hex(16)), Op("|", Op("&", M("conn_hash"), Hex(0xffff0000)), Param(0))),
                Mask(M("slot"), 16), Hex(0))));
        b.Action("set_subset", [("subset", 16)], Assign(M("subset"), Param(0)));
        b.Action("deny", [], Prim("mark_to_drop", Header("standard_metadata")), Prim("exit"));
        // The time is read here, on new connections only: lb's pick is compared with it (node_tripped).
        b.Action("pick", [("backend", 16)], Assign(M("backend"), Param(0)), Assign(M("now"), Std("ingress_global_timestamp")),
            Prim("register_read", M("until"), Named("register_array", "tripped_until"), Param(0)));
        b.Action("pin_conn", [],
            Prim("register_write", Named("register_array", "conn_table"), M("conn_idx"),
                Mask(Op("|", Op("<<", Op("|", Op("&", M("conn_hash"), Hex(0xffff0000)), M("vip")), Hex(16)), M("backend")), 48)),
            Assign(M("pinned"), M("backend")));
        // The instance's L4 port goes into both transport headers: only the valid one is deparsed
        // (and checksummed), which saves a conditional per packet.
        b.Action("dnat", [("ip", 32), ("mac", 48), ("port", 9), ("l4port", 16)],
            Assign(F("ipv4", "dstAddr"), Param(0)), Assign(F("ethernet", "dstAddr"), Param(1)), Assign(Std("egress_spec"), Param(2)),
            Assign(F("tcp", "dstPort"), Param(3)), Assign(F("udp", "dstPort"), Param(3)),
            Assign(F("ipv4", "ttl"), Arith("+", F("ipv4", "ttl"), Hex(0xff), 8)));
        b.Action("stale_pin", [], Prim("register_write", Named("register_array", "conn_table"), M("conn_idx"), Hex(0)), Prim("mark_to_drop", Header("standard_metadata")));
        b.Action("unpin", [], Prim("register_write", Named("register_array", "conn_table"), M("conn_idx"), Hex(0)));
        b.Action("snat", [("vip_ip", 32), ("vmac", 48), ("vip_port", 16)], Assign(F("ipv4", "srcAddr"), Param(0)), Assign(F("ethernet", "srcAddr"), Param(1)),
            Assign(F("tcp", "srcPort"), Param(2)), Assign(F("udp", "srcPort"), Param(2)));
        b.Action("set_nhop", [("dmac", 48), ("port", 9)], Assign(F("ethernet", "dstAddr"), Param(0)), Assign(Std("egress_spec"), Param(1)),
            Assign(F("ipv4", "ttl"), Arith("+", F("ipv4", "ttl"), Hex(0xff), 8)));
        b.Action("count_response", [("inst", 16), ("threshold", 16), ("cooldown_us", 32)],
            Assign(M("is5xx"), Bool(Op(">=", F("mesh", "status"), Hex(500)))),
            Prim("register_read", M("errs"), Named("register_array", "err_count"), Param(0)),
            Assign(M("errs"), Ternary(D2B(M("is5xx")), Arith("+", M("errs"), Hex(1), 16), Hex(0))),
            Assign(M("trip"), Bool(And(Op(">=", M("errs"), Param(1)), Op("!=", Param(1), Hex(0))))),
            Prim("register_read", M("until"), Named("register_array", "tripped_until"), Param(0)),
            Assign(M("until"), Ternary(D2B(M("trip")), Arith("+", Std("ingress_global_timestamp"), Param(2), 48), M("until"))),
            Prim("register_write", Named("register_array", "tripped_until"), Param(0), M("until")),
            Prim("register_write", Named("register_array", "err_count"), Param(0), Ternary(D2B(M("trip")), Hex(0), M("errs"))));
    }

    private static void Ingress(P4JsonBuilder b, System.Text.Json.Nodes.JsonObject[] tuple)
    {
        const string I = "ingress";
        b.Init(I, "node_arp");
        b.Conditional(I, "node_arp", IsValid("arp"), "MeshIngress.arp_vip", "node_ip");
        b.Table(I, "MeshIngress.arp_vip").Key("exact", "arp", "tpa", "hdr.arp.tpa").Key("exact", "arp", "oper", "hdr.arp.oper")
            .Actions("arp_reply", "NoAction").Default("NoAction").HitMiss(null, "MeshIngress.l2");
        b.Table(I, "MeshIngress.l2").Key("exact", "ethernet", "dstAddr", "hdr.ethernet.dstAddr").Actions("forward", "flood", "drop").Default("flood").Next(null);
        b.Conditional(I, "node_ip", IsValid("ipv4"), "node_resp", "MeshIngress.l2");
        b.Conditional(I, "node_resp", And(IsValid("mesh"), Op("==", F("mesh", "t"), Hex(1))), "MeshIngress.cb_instance", "MeshIngress.vip");
        b.Table(I, "MeshIngress.cb_instance").Key("exact", "ipv4", "srcAddr", "hdr.ipv4.srcAddr").Actions("count_response", "NoAction").Default("NoAction").Next("MeshIngress.vip");
        b.Table(I, "MeshIngress.vip").Key("exact", "ipv4", "dstAddr", "hdr.ipv4.dstAddr").Key("exact", "ipv4", "protocol", "hdr.ipv4.protocol").Key("exact", "meta", "dport", "meta.dport")
            .Key("exact", "ipv4", "srcAddr", "hdr.ipv4.srcAddr").Actions("set_vip", "NoAction").Default("NoAction").HitMiss("node_l7", "MeshIngress.rev");
        b.Conditional(I, "node_l7", And(IsValid("mesh"), Op("==", F("mesh", "t"), Hex(0))), "MeshIngress.l7", "node_pinned");
        b.Table(I, "MeshIngress.l7").Key("exact", "meta", "vip", "meta.vip").Key("ternary", "mesh", "method", "hdr.mesh.method")
            .Key("range", "mesh", "route_len", "hdr.mesh.route_len").Key("ternary", "meta", "route_prefix", "meta.route_prefix")
            .Key("ternary", "mesh_h0", "label_len", "hdr.mesh_h0.label_len").Key("ternary", "meta", "h0_label", "meta.h0_label")
            .Key("ternary", "mesh_h0", "value_len", "hdr.mesh_h0.value_len").Key("ternary", "meta", "h0_value", "meta.h0_value")
            .Actions("set_subset", "deny", "NoAction").Default("NoAction").Counters().Size(4096)
            .OnAction("deny", null).Next("node_pinned");
        b.Counter("MeshIngress.l7_counter", 0, directTable: "MeshIngress.l7");
        b.Conditional(I, "node_pinned", Op("!=", M("pinned"), Hex(0)), "MeshIngress.backend", "MeshIngress.lb");
        b.ActionProfile(I, "MeshIngress.backends_a", 4096, "crc16", tuple);
        b.ActionProfile(I, "MeshIngress.backends_b", 4096, "crc32", tuple);
        b.Table(I, "MeshIngress.lb").Key("exact", "meta", "vip", "meta.vip").Key("exact", "meta", "subset", "meta.subset")
            .Actions("pick", "NoAction").Indirect("MeshIngress.backends_a", withSelector: true).Next("node_tripped");
        b.Conditional(I, "node_tripped", Op(">", M("until"), M("now")), "MeshIngress.lb_retry", "tbl_pin");
        b.Table(I, "MeshIngress.lb_retry").Key("exact", "meta", "vip", "meta.vip").Key("exact", "meta", "subset", "meta.subset")
            .Actions("pick", "NoAction").Indirect("MeshIngress.backends_b", withSelector: true).Next("tbl_pin");
        b.Table(I, "tbl_pin").Actions("pin_conn").Default("pin_conn", isConst: true).Next("MeshIngress.backend");
        b.Table(I, "MeshIngress.backend").Key("exact", "meta", "pinned", "meta.pinned").Actions("dnat", "stale_pin").Default("stale_pin").HitMiss("node_fin", null);
        b.Conditional(I, "node_fin", And(IsValid("tcp"), Op("!=", Op("&", F("tcp", "flags"), Hex(0x05)), Hex(0))), "tbl_unpin", null);
        b.Table(I, "tbl_unpin").Actions("unpin").Default("unpin", isConst: true).Next(null);
        b.Table(I, "MeshIngress.rev").Key("exact", "ipv4", "srcAddr", "hdr.ipv4.srcAddr").Key("exact", "ipv4", "protocol", "hdr.ipv4.protocol").Key("exact", "meta", "sport", "meta.sport")
            .Key("exact", "ipv4", "dstAddr", "hdr.ipv4.dstAddr")
            .Actions("snat", "NoAction").Default("NoAction").Next("MeshIngress.fwd");
        b.Table(I, "MeshIngress.fwd").Key("lpm", "ipv4", "dstAddr", "hdr.ipv4.dstAddr").Actions("set_nhop", "drop").Default("drop").Next(null);
    }
}
