using System.Buffers.Binary;

namespace MeshSim.P4.Execution;

/// <summary>
/// Byte-string equality for exact-match indexes, with a span alternate so a lookup hashes the
/// preallocated key buffer without allocating. The hash is a fixed multiply-xor mix (never
/// <c>HashCode</c>), though only lookups, never output order, depend on it.
/// </summary>
internal sealed class KeyComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static readonly KeyComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);
    public int GetHashCode(byte[] obj) => Hash(obj);
    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);
    public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);
    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

    private static int Hash(ReadOnlySpan<byte> s)
    {
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)s.Length;
        int i = 0;
        for (; i + 8 <= s.Length; i += 8) h = (h ^ BinaryPrimitives.ReadUInt64LittleEndian(s[i..])) * 0xBF58476D1CE4E5B9UL;
        ulong tail = 0;
        for (int k = 0; i < s.Length; i++, k += 8) tail |= (ulong)s[i] << k;
        h = (h ^ tail) * 0x94D049BB133111EBUL;
        h ^= h >> 31;
        return (int)h ^ (int)(h >> 32);
    }
}
