using System.Buffers.Binary;
using System.Numerics;
using MeshSim.Ovs.Datapath;

namespace MeshSim.Ovs.Conntrack;

/// <summary>
/// nat_range_hash (lib/conntrack.c, OVS 3.1), bit for bit: murmur3 <c>hash_add</c> over the NAT
/// range (min and max address as 16-byte <c>union ct_addr</c>s, the port range word), both
/// endpoints of the original key (address + port word), dl_type, nw_proto and zone, finished with
/// <c>hash_finish(hash, 0)</c>. The seed is the conntrack's <c>hash_basis</c>, which a real
/// ovs-vswitchd draws at random when it starts; <see cref="BasisFor"/> recovers it from one observed
/// hash, because every step of the hash is invertible.
/// </summary>
public static class NatRangeHash
{
    private const int WordCount = 22;

    /// <summary>The hash OVS computes for <paramref name="key"/> (the original direction) under
    /// <paramref name="nat"/> with conntrack hash basis <paramref name="basis"/>.</summary>
    public static uint Compute(in ConnKey key, in NatRequest nat, uint basis)
    {
        Span<uint> words = stackalloc uint[WordCount];
        Words(in key, in nat, words);
        uint h = basis;
        foreach (var w in words) h = OvsHash.Add(h, w);
        return OvsHash.Finish(h, 0);
    }

    /// <summary>The basis under which <see cref="Compute"/> gives <paramref name="hash"/>.</summary>
    public static uint BasisFor(in ConnKey key, in NatRequest nat, uint hash)
    {
        Span<uint> words = stackalloc uint[WordCount];
        Words(in key, in nat, words);
        uint h = UnFinish(hash);
        for (int i = WordCount - 1; i >= 0; i--) h = UnAdd(h, words[i]);
        return h;
    }

    // The words as x86-64 reads them from memory: network-order fields arrive byte-swapped.
    private static void Words(in ConnKey key, in NatRequest nat, Span<uint> w)
    {
        w.Clear();
        w[0] = BinaryPrimitives.ReverseEndianness(nat.MinAddr);                 // min_addr (+3 zero words)
        w[4] = BinaryPrimitives.ReverseEndianness(nat.MaxAddr);                 // max_addr (+3 zero words)
        w[8] = ((uint)nat.MaxPort << 16) | nat.MinPort;                         // host-order ports
        w[9] = BinaryPrimitives.ReverseEndianness(key.Src);                     // src endpoint
        w[13] = EndpointTail(key.SrcPort, key.SrcIcmpType, key.Proto);
        w[14] = BinaryPrimitives.ReverseEndianness(key.Dst);                    // dst endpoint
        w[18] = EndpointTail(key.DstPort, key.DstIcmpType, key.Proto);
        w[19] = 0x0008;                                                         // dl_type 0x0800, big-endian in memory
        w[20] = key.Proto;
        w[21] = key.Zone;
    }

    // The endpoint's last word: the port (or ICMP id) in network order, then ICMP type and code (0).
    private static uint EndpointTail(ushort port, byte icmpType, byte proto) =>
        BinaryPrimitives.ReverseEndianness(port) | (proto == 1 ? (uint)icmpType << 16 : 0u);

    private static uint UnAdd(uint hash, uint data)
    {
        uint h = BitOperations.RotateRight((hash - 0xe6546b64) * Inverse(5), 13);
        if (data == 0) return h;
        data *= 0xcc9e2d51;
        data = BitOperations.RotateLeft(data, 15);
        data *= 0x1b873593;
        return h ^ data;
    }

    private static uint UnFinish(uint h)
    {
        h ^= h >> 16;
        h *= Inverse(0xc2b2ae35);
        h ^= (h >> 13) ^ (h >> 26);
        h *= Inverse(0x85ebca6b);
        h ^= h >> 16;
        return h;
    }

    // The multiplicative inverse of an odd number modulo 2^32 (Newton's iteration).
    private static uint Inverse(uint a)
    {
        uint x = a;
        for (int i = 0; i < 5; i++) x *= 2 - a * x;
        return x;
    }
}
