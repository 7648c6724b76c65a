using System.Buffers.Binary;
using MeshSim.P4.Emit;
using MeshSim.P4.Execution;
using MeshSim.P4.Loading;
using MeshSim.P4.Model;
using MeshSim.P4.Runtime;
using static MeshSim.P4.Emit.E;
using static MeshSim.P4.Emit.P4JsonBuilder;

namespace MeshSim.Benchmarks.P4;

/// <summary>Programs, rules and frames for the P4 throughput benchmarks.</summary>
internal static class P4Workloads
{
    /// <summary>The P4 tutorials' basic.p4 shape: Ethernet/IPv4 parse, LPM forward with TTL decrement, IPv4 checksum update.</summary>
    public static P4Program Basic(int routes)
    {
        var b = new P4JsonBuilder("basic.p4");
        b.HeaderType("ethernet_t", ("dstAddr", 48), ("srcAddr", 48), ("etherType", 16));
        b.HeaderType("ipv4_t", ("version", 4), ("ihl", 4), ("diffserv", 8), ("totalLen", 16), ("identification", 16), ("flags", 3),
            ("fragOffset", 13), ("ttl", 8), ("protocol", 8), ("hdrChecksum", 16), ("srcAddr", 32), ("dstAddr", 32));
        b.Header("ethernet", "ethernet_t").Header("ipv4", "ipv4_t");
        b.State("start").Extract("ethernet").Key(F("ethernet", "etherType")).Case("0x0800", "parse_ipv4").Default(null);
        b.State("parse_ipv4").Extract("ipv4").Default(null);
        b.Deparse("ethernet", "ipv4");
        var ip = new[] { "version", "ihl", "diffserv", "totalLen", "identification", "flags", "fragOffset", "ttl", "protocol", "srcAddr", "dstAddr" }.Select(f => F("ipv4", f)).ToArray();
        b.Calculation("ipv4_csum", "csum16", ip);
        b.Checksum("ipv4_update", "ipv4", "hdrChecksum", "ipv4_csum", false, true, IsValid("ipv4"));
        b.Action("NoAction", []);
        b.Action("drop", [], Prim("mark_to_drop", Header("standard_metadata")));
        b.Action("ipv4_forward", [("dstAddr", 48), ("port", 9)],
            Assign(F("standard_metadata", "egress_spec"), Param(1)), Assign(F("ethernet", "srcAddr"), F("ethernet", "dstAddr")),
            Assign(F("ethernet", "dstAddr"), Param(0)), Assign(F("ipv4", "ttl"), Arith("+", F("ipv4", "ttl"), Hex(0xff), 8)));
        b.Init("ingress", "node_2");
        b.Conditional("ingress", "node_2", IsValid("ipv4"), "MyIngress.ipv4_lpm", null);
        b.Table("ingress", "MyIngress.ipv4_lpm").Key("lpm", "ipv4", "dstAddr").Actions("ipv4_forward", "drop", "NoAction").Default("drop").Next(null);
        var p = P4Loader.Load(b.ToJson()).Program!;
        var cli = new RuntimeCli(p);
        for (int i = 0; i < routes; i++)
            cli.Execute($"table_add MyIngress.ipv4_lpm ipv4_forward 10.{i >> 8 & 255}.{i & 255}.0/24 => 00:00:00:00:{i >> 8 & 255:x2}:{i & 255:x2} {1 + i % 8}");
        return p;
    }

    public static byte[][] Frames(int count, Func<int, byte[]> make) => Enumerable.Range(0, count).Select(make).ToArray();

    public static byte[] Ipv4Udp(uint src, uint dst, ushort sport, ushort dport, byte[] payload)
    {
        var f = new byte[42 + payload.Length];
        f[5] = 0x64; f[11] = 0x01;
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), 0x0800);
        f[14] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(16), (ushort)(28 + payload.Length));
        f[22] = 64; f[23] = 17;
        BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(26), src);
        BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(30), dst);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(24), HashAlgorithms.Csum16(f.AsSpan(14, 20)));
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(34), sport);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(36), dport);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(38), (ushort)(8 + payload.Length));
        payload.CopyTo(f, 42);
        return f;
    }
}
