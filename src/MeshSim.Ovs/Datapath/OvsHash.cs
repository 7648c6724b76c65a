using System.Buffers.Binary;
using System.Numerics;

namespace MeshSim.Ovs.Datapath;

/// <summary>
/// Open vSwitch 3.1's general-purpose hash functions (lib/hash.h, lib/hash.c, lib/jhash.c), bit for bit,
/// as built for x86-64 without SSE 4.2 (Debian's build): murmur3 steps for <c>hash_add</c> and
/// <c>hash_finish</c>, Jenkins' lookup3 for <c>jhash_bytes</c>. Bucket selection must use exactly these,
/// or MeshSim and a real switch send the same connection to different backends.
/// </summary>
/// <remarks>OVS hashes values as they lie in memory: a big-endian header field is read as a
/// little-endian word on x86. The <see cref="FlowHash"/> callers do that byte swap; here words are words.</remarks>
public static class OvsHash
{
    /// <summary><c>hash_add</c>: mixes one 32-bit word into a running hash (murmur3 body step).</summary>
    public static uint Add(uint hash, uint data)
    {
        if (data != 0)   // a zero word leaves the running value as it is, before the rotate
        {
            data *= 0xcc9e2d51;
            data = BitOperations.RotateLeft(data, 15);
            data *= 0x1b873593;
            hash ^= data;
        }
        hash = BitOperations.RotateLeft(hash, 13);
        return hash * 5 + 0xe6546b64;
    }

    /// <summary><c>hash_add64</c>: the low word, then the high word.</summary>
    public static uint Add64(uint hash, ulong data) => Add(Add(hash, (uint)data), (uint)(data >> 32));

    /// <summary><c>hash_finish</c>: murmur3's final avalanche over <c>hash ^ final</c>.</summary>
    public static uint Finish(uint hash, uint final)
    {
        hash ^= final;
        hash ^= hash >> 16;
        hash *= 0x85ebca6b;
        hash ^= hash >> 13;
        hash *= 0xc2b2ae35;
        hash ^= hash >> 16;
        return hash;
    }

    /// <summary><c>hash_int(x, basis)</c> (= <c>hash_2words(x, basis)</c>).</summary>
    public static uint Int(uint x, uint basis) => Finish(Add(Add(x, 0), basis), 8);

    /// <summary><c>hash_uint64(x)</c>.</summary>
    public static uint Uint64(ulong x) => Finish(Add64(0, x), 8);

    /// <summary><c>hash_bytes</c>: 32-bit little-endian words, a zero-padded tail word, length as the final.</summary>
    public static uint Bytes(ReadOnlySpan<byte> data, uint basis)
    {
        uint hash = basis;
        int n = data.Length, i = 0;
        for (; n - i >= 4; i += 4) hash = Add(hash, BinaryPrimitives.ReadUInt32LittleEndian(data[i..]));
        if (i < n)
        {
            Span<byte> tail = stackalloc byte[4];
            tail.Clear();
            data[i..].CopyTo(tail);
            hash = Add(hash, BinaryPrimitives.ReadUInt32LittleEndian(tail));
        }
        return Finish(hash, (uint)n);
    }

    /// <summary><c>jhash_bytes</c>: Bob Jenkins' lookup3 over little-endian words.</summary>
    public static uint JenkinsBytes(ReadOnlySpan<byte> data, uint basis)
    {
        uint a, b, c;
        a = b = c = 0xdeadbeef + (uint)data.Length + basis;
        int n = data.Length, i = 0;
        for (; n - i >= 12; i += 12)
        {
            a += BinaryPrimitives.ReadUInt32LittleEndian(data[i..]);
            b += BinaryPrimitives.ReadUInt32LittleEndian(data[(i + 4)..]);
            c += BinaryPrimitives.ReadUInt32LittleEndian(data[(i + 8)..]);
            Mix(ref a, ref b, ref c);
        }
        if (i < n)
        {
            Span<byte> tail = stackalloc byte[12];
            tail.Clear();
            data[i..].CopyTo(tail);
            a += BinaryPrimitives.ReadUInt32LittleEndian(tail);
            b += BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]);
            c += BinaryPrimitives.ReadUInt32LittleEndian(tail[8..]);
            Final(ref a, ref b, ref c);
        }
        return c;
    }

    private static void Mix(ref uint a, ref uint b, ref uint c)
    {
        a -= c; a ^= BitOperations.RotateLeft(c, 4); c += b;
        b -= a; b ^= BitOperations.RotateLeft(a, 6); a += c;
        c -= b; c ^= BitOperations.RotateLeft(b, 8); b += a;
        a -= c; a ^= BitOperations.RotateLeft(c, 16); c += b;
        b -= a; b ^= BitOperations.RotateLeft(a, 19); a += c;
        c -= b; c ^= BitOperations.RotateLeft(b, 4); b += a;
    }

    private static void Final(ref uint a, ref uint b, ref uint c)
    {
        c ^= b; c -= BitOperations.RotateLeft(b, 14);
        a ^= c; a -= BitOperations.RotateLeft(c, 11);
        b ^= a; b -= BitOperations.RotateLeft(a, 25);
        c ^= b; c -= BitOperations.RotateLeft(b, 16);
        a ^= c; a -= BitOperations.RotateLeft(c, 4);
        b ^= a; b -= BitOperations.RotateLeft(a, 14);
        c ^= b; c -= BitOperations.RotateLeft(b, 24);
    }
}
