using System.Numerics;
using System.Runtime.CompilerServices;

namespace MeshSim.Ovs.Classification;

/// <summary>
/// The one hash used for classifier keys: a multiply-xorshift mix per 64-bit word. Deterministic
/// across runs and platforms (no <see cref="HashCode"/>), and cheap enough to run once per subtable
/// probe.
/// </summary>
internal static class KeyHash
{
    public const ulong Seed = 0x243F6A8885A308D3UL;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Add(ulong h, ulong word)
    {
        h ^= word;
        h *= 0x9E3779B97F4A7C15UL;
        return h ^ (h >> 29);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Finish(ulong h)
    {
        h ^= h >> 32;
        h *= 0xD6E8FEB86659FD93UL;
        return h ^ (h >> 32);
    }

    // Odd multipliers, one per word (from SplitMix64's sequence), for the multilinear full-key hash.
    private static readonly ulong[] Multipliers = MakeMultipliers();

    private static ulong[] MakeMultipliers()
    {
        var m = new ulong[PacketKey.WordCount];
        ulong x = Seed;
        for (int i = 0; i < m.Length; i++)
        {
            x += 0x9E3779B97F4A7C15UL;
            ulong z = x;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            m[i] = (z ^ (z >> 31)) | 1;
        }
        return m;
    }

    /// <summary>Hash of every word of a key (the exact-match cache uses it). A sum of independent
    /// products (multilinear hashing) instead of a chain, so the multiplies overlap in the CPU.</summary>
    public static ulong Full(in PacketKey key)
    {
        ref ulong w = ref Unsafe.AsRef(in key.Words[0]);
        ref ulong m = ref MemoryMarshalFirst(Multipliers);
        ulong a = 0, b = 0, c = 0;
        int i = 0;
        for (; i + 3 <= PacketKey.WordCount; i += 3)
        {
            a += (Unsafe.Add(ref w, i) ^ Seed) * Unsafe.Add(ref m, i);
            b += (Unsafe.Add(ref w, i + 1) ^ Seed) * Unsafe.Add(ref m, i + 1);
            c += (Unsafe.Add(ref w, i + 2) ^ Seed) * Unsafe.Add(ref m, i + 2);
        }
        for (; i < PacketKey.WordCount; i++) a += (Unsafe.Add(ref w, i) ^ Seed) * Unsafe.Add(ref m, i);
        return Finish(a ^ BitOperations.RotateLeft(b, 21) ^ BitOperations.RotateLeft(c, 42));
    }

    /// <summary>The multiplier for word <paramref name="index"/> (subtables hash their masked words with it).</summary>
    public static ulong Multiplier(int index) => Multipliers[index];

    private static ref ulong MemoryMarshalFirst(ulong[] a) => ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(a);
}
