using MeshSim.Engine;
using MeshSim.Ovs.Classification;

namespace MeshSim.Ovs.Tests.Classification;

/// <summary>Rules and packets drawn from two values per field (as OVS's test-classifier does), so
/// that random packets actually hit random rules.</summary>
internal sealed class RandomRules(SimRandom rng)
{
    private static readonly (KeyField Field, ulong A, ulong B, ulong PartialMask)[] Fields =
    [
        (KeyField.InPort, 1, 0xFFFE, 0),
        (KeyField.DlType, 0x0800, 0x0806, 0),
        (KeyField.DlSrc, 0x0002e30f80a4, 0x5e337f5f1e99, 0xFFFFFF000000),
        (KeyField.DlDst, 0x4a2771ae64c1, 0xFFFFFFFFFFFF, 0x010000000000),
        (KeyField.NwSrc, 0xc0a80001, 0xc0a04455, 0xFFFFFF00),
        (KeyField.NwDst, 0xc0a80002, 0xc0a04455, 0xFFFF0000),
        (KeyField.NwProto, 6, 1, 0),
        (KeyField.TpSrc, 49362, 80, 0xFF00),
        (KeyField.TpDst, 6667, 22, 0),
        (KeyField.CtState, 0x21, 0x22, 0x20),
        (KeyField.Reg(0), 0, 7, 0),
        (KeyField.Metadata, 0, 0xfedcba9876543210, 0),
    ];

    /// <summary>A random mask: each field absent, exact, or (where it has one) partially masked.</summary>
    public KeyMatch RandomMaskShape()
    {
        var m = default(KeyMatch);
        foreach (var (f, _, _, partial) in Fields)
        {
            int choice = rng.Next(0, partial != 0 ? 4 : 3);
            if (choice == 1) m.SetExact(f, 0);
            else if (choice == 3) m.Set(f, 0, partial);
        }
        return m;
    }

    /// <summary>A rule with the given mask shape and random values.</summary>
    public KeyMatch RandomMatch(in KeyMatch shape)
    {
        var m = default(KeyMatch);
        foreach (var (f, a, b, _) in Fields)
        {
            ulong mask = shape.Mask.Get(f);
            if (mask != 0) m.Set(f, rng.Next(0, 2) == 0 ? a : b, mask);
        }
        return m;
    }

    public PacketKey RandomPacket()
    {
        var k = default(PacketKey);
        foreach (var (f, a, b, _) in Fields) k.Set(f, rng.Next(0, 2) == 0 ? a : b);
        return k;
    }
}
