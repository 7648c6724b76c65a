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

    /// <summary>Hash of every word of a key (the exact-match cache uses it).</summary>
    public static ulong Full(in PacketKey key)
    {
        ulong h = Seed;
        for (int i = 0; i < PacketKey.WordCount; i++) h = Add(h, key.Words[i]);
        return Finish(h);
    }
}
