using MeshSim.P4.Emit;
using static MeshSim.P4.Emit.E;
using static MeshSim.P4.Emit.P4JsonBuilder;

namespace MeshSim.Cli.Tests.Run;

/// <summary>
/// The P4 programs behind the example labs and the CLI tests, written with the builder in the shape
/// p4c-bm2-ss gives v1model programs. <see cref="Basic"/> is scenarios/p4-tutorial-basic/basic.p4
/// (the readable source) as bmv2 JSON; <see cref="Wire"/> joins ports by a table on the ingress port.
/// </summary>
internal static class OwnP4Programs
{
    /// <summary>IPv4 forwarding: an LPM table on the destination sets the next hop's MAC and the port, decrements the TTL and updates the checksum; everything else is dropped.</summary>
    public static string Basic()
    {
        var b = new P4JsonBuilder("basic.p4");
        b.HeaderType("ethernet_t", ("dstAddr", 48), ("srcAddr", 48), ("etherType", 16));
        b.HeaderType("ipv4_t", ("version", 4), ("ihl", 4), ("diffserv", 8), ("totalLen", 16), ("identification", 16), ("flags", 3),
            ("fragOffset", 13), ("ttl", 8), ("protocol", 8), ("hdrChecksum", 16), ("srcAddr", 32), ("dstAddr", 32));
        b.Header("ethernet", "ethernet_t").Header("ipv4", "ipv4_t");
        b.State("start").Extract("ethernet").Key(F("ethernet", "etherType")).Case("0x0800", "parse_ipv4").Default(null);
        b.State("parse_ipv4").Extract("ipv4").Default(null);
        b.Deparse("ethernet", "ipv4");
        var ipFields = new[] { "version", "ihl", "diffserv", "totalLen", "identification", "flags", "fragOffset", "ttl", "protocol", "srcAddr", "dstAddr" }
            .Select(f => F("ipv4", f)).ToArray();
        b.Calculation("ipv4_csum", "csum16", ipFields);
        b.Checksum("cksum", "ipv4", "hdrChecksum", "ipv4_csum", verify: true, update: false, IsValid("ipv4"));
        b.Checksum("cksum_0", "ipv4", "hdrChecksum", "ipv4_csum", verify: false, update: true, IsValid("ipv4"));
        b.Action("NoAction", []);
        b.Action("MyIngress.drop", [], Prim("mark_to_drop", Header("standard_metadata")));
        b.Action("MyIngress.ipv4_forward", [("dstAddr", 48), ("port", 9)],
            Assign(F("standard_metadata", "egress_spec"), Param(1)),
            Assign(F("ethernet", "srcAddr"), F("ethernet", "dstAddr")),
            Assign(F("ethernet", "dstAddr"), Param(0)),
            Assign(F("ipv4", "ttl"), Arith("+", F("ipv4", "ttl"), Hex(0xff), 8)));
        b.Init("ingress", "node_2");
        b.Conditional("ingress", "node_2", IsValid("ipv4"), "MyIngress.ipv4_lpm", null);
        b.Table("ingress", "MyIngress.ipv4_lpm").Key("lpm", "ipv4", "dstAddr", "hdr.ipv4.dstAddr")
            .Actions("MyIngress.ipv4_forward", "MyIngress.drop", "NoAction").Default("MyIngress.drop").Size(1024).Next(null);
        return b.ToJson();
    }

    /// <summary>A patch panel: table <c>MyIngress.wire</c> maps the ingress port to an egress port (ARP and all pass).</summary>
    public static string Wire()
    {
        var b = new P4JsonBuilder("wire.p4");
        b.HeaderType("ethernet_t", ("dstAddr", 48), ("srcAddr", 48), ("etherType", 16));
        b.Header("ethernet", "ethernet_t");
        b.State("start").Extract("ethernet").Default(null);
        b.Deparse("ethernet");
        b.Action("NoAction", []);
        b.Action("MyIngress.drop", [], Prim("mark_to_drop", Header("standard_metadata")));
        b.Action("MyIngress.forward", [("port", 9)], Assign(F("standard_metadata", "egress_spec"), Param(0)));
        b.Init("ingress", "MyIngress.wire");
        b.Table("ingress", "MyIngress.wire").Key("exact", "standard_metadata", "ingress_port", "standard_metadata.ingress_port")
            .Actions("MyIngress.forward", "MyIngress.drop").Default("MyIngress.drop").Next(null);
        return b.ToJson();
    }
}
