using FsCheck;
using FsCheck.Fluent;

namespace MeshSim.Wire.Tests;

/// <summary>FsCheck generators that produce valid values directly (no filtering with When).</summary>
public static class WireGenerators
{
    public static Gen<ushort> U16 => Gen.Choose(0, 0xFFFF).Select(i => (ushort)i);
    public static Gen<byte> U8 => Gen.Choose(0, 0xFF).Select(i => (byte)i);
    public static Gen<uint> U32 => from hi in U16 from lo in U16 select (uint)hi << 16 | lo;
    public static Gen<MacAddress> Mac => from a in U16 from b in U32 select new MacAddress((ulong)a << 32 | b);
    public static Gen<Ipv4Address> Ip => U32.Select(v => new Ipv4Address(v));
    public static Gen<byte[]> Payload(int max) => from n in Gen.Choose(0, max) from bytes in U8.ArrayOf(n) select bytes;

    public static Arbitrary<EthernetRepr> EthernetRepr() =>
        (from src in Mac from dst in Mac from type in Gen.Choose(0x0600, 0xFFFF)
         from tagged in Gen.Elements(true, false) from tci in U16
         // the type after a tag cannot itself be a TPID (that would be a second tag)
         select new EthernetRepr(src, dst, EtherType.IsVlanTag((ushort)type) ? EtherType.Ipv4 : (ushort)type, tagged ? tci : null)).ToArbitrary();

    public static Arbitrary<ArpRepr> ArpRepr() =>
        (from op in U16 from sha in Mac from spa in Ip from tha in Mac from tpa in Ip
         select new ArpRepr(op, sha, spa, tha, tpa)).ToArbitrary();

    public static Arbitrary<Ipv4Repr> Ipv4Repr() =>
        (from src in Ip from dst in Ip from proto in U8 from len in Gen.Choose(0, 1480)
         from ttl in U8 from tos in U8 from id in U16 from df in Gen.Elements(true, false) from mf in Gen.Elements(true, false)
         from offset in Gen.Choose(0, 0x1FFF)
         select new Ipv4Repr(src, dst, proto, len, ttl, tos, id, df, mf, offset * 8)).ToArbitrary();

    public static Arbitrary<IcmpV4Repr> IcmpV4Repr() =>
        (from type in U8 from code in U8 from rest in U32 from len in Gen.Choose(0, 600)
         select new IcmpV4Repr(type, code, rest, len)).ToArbitrary();

    public static Gen<TcpOptions> Options =>
        from hasMss in Gen.Elements(true, false) from mss in U16
        from hasWs in Gen.Elements(true, false) from ws in Gen.Choose(0, 14)
        from sack in Gen.Elements(true, false)
        from hasTs in Gen.Elements(true, false) from val in U32 from ecr in U32
        from blocks in Gen.Choose(0, TcpSackBlocks.MaxBlocks) from edges in Gen.ArrayOf(U32, 8)
        select new TcpOptions(hasMss ? mss : null, hasWs ? (byte)ws : null, sack, hasTs ? (val, ecr) : null, SackOf(blocks, edges));

    private static TcpSackBlocks SackOf(int count, uint[] edges)
    {
        var b = default(TcpSackBlocks);
        for (int i = 0; i < count; i++) b = b.Append(edges[2 * i], edges[2 * i + 1]);
        return b;
    }

    public static Arbitrary<TcpOptions> TcpOptions() => Options.ToArbitrary();

    public static Arbitrary<TcpRepr> TcpRepr() =>
        (from sp in U16 from dp in Gen.Choose(1, 0xFFFF) from seq in U32 from ack in U32 from flags in Gen.Choose(0, 0xFFF)
         from win in U16 from options in Options.Where(o => o.Length <= 40) from len in Gen.Choose(0, 1400) from urg in U16
         select new TcpRepr(sp, (ushort)dp, seq, ack, (TcpFlags)flags, win, options, len, urg)).ToArbitrary();

    public static Arbitrary<UdpRepr> UdpRepr() =>
        (from sp in U16 from dp in Gen.Choose(1, 0xFFFF) from len in Gen.Choose(0, 1400)
         select new UdpRepr(sp, (ushort)dp, len)).ToArbitrary();

    public static Arbitrary<VxlanRepr> VxlanRepr() => Gen.Choose(0, 0xFF_FFFF).Select(v => new VxlanRepr((uint)v)).ToArbitrary();

    /// <summary>Frame-shaped junk: a real-looking Ethernet header with an interesting type, then an
    /// IPv4-looking or random body, cut anywhere. Plain random bytes rarely get past byte 12.</summary>
    public static Arbitrary<FrameBytes> FrameBytes() =>
        (from macs in U8.ArrayOf(12)
         from type in Gen.Elements<ushort>(0x0800, 0x0806, 0x8100, 0x88A8, 0x8035, 0x0030, 0x86DD)
         from innerType in Gen.Elements<ushort>(0x0800, 0x0806, 0x8100)
         from tci in U16
         from versionIhl in Gen.Frequency((3, Gen.Constant<byte>(0x45)), (1, Gen.Choose(0x40, 0x4F).Select(i => (byte)i)), (1, U8))
         from totalLength in Gen.Frequency((3, Gen.Choose(20, 120)), (1, Gen.Choose(0, 0xFFFF)))
         from proto in Gen.Elements<byte>(1, 2, 6, 17, 132, 99)
         from fragment in Gen.Frequency((4, Gen.Constant<ushort>(0)), (1, U16))
         from body in U8.ArrayOf(120)
         from cut in Gen.Choose(0, 160)
         select Assemble(macs, type, innerType, tci, versionIhl, totalLength, proto, fragment, body, cut)).ToArbitrary();

    private static FrameBytes Assemble(byte[] macs, ushort type, ushort innerType, ushort tci, byte versionIhl, int totalLength,
                                       byte proto, ushort fragment, byte[] body, int cut)
    {
        var f = new List<byte>(macs) { (byte)(type >> 8), (byte)type };
        if (EtherType.IsVlanTag(type)) f.AddRange([(byte)(tci >> 8), (byte)tci, (byte)(innerType >> 8), (byte)innerType]);
        var b = (byte[])body.Clone();
        b[0] = versionIhl; b[2] = (byte)(totalLength >> 8); b[3] = (byte)totalLength; b[9] = proto;
        b[6] = (byte)(fragment >> 8); b[7] = (byte)fragment;
        f.AddRange(b);
        return new FrameBytes(f.Take(Math.Min(cut, f.Count)).ToArray());
    }
}

/// <summary>A candidate frame for fuzz-style properties (wrapped so FsCheck uses our generator).</summary>
public sealed record FrameBytes(byte[] Bytes)
{
    public override string ToString() => Convert.ToHexString(Bytes);
}
