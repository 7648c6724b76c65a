using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MeshSim.Wire;

/// <summary>
/// Unchecked big-endian reads for the mesh header hot path. Callers prove every offset is inside
/// the header before reading (that proof is the format validation itself), so the JIT's per-access
/// bounds checks are redundant: this is "bounds-checked once". A test runs the parser over inputs
/// placed right before an unreadable page, so a wrong proof would crash the tests, not pass silently.
/// </summary>
internal static class MeshHeaderBytes
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte Byte(ref byte start, int offset) => Unsafe.Add(ref start, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int UInt16(ref byte start, int offset)
    {
        ushort raw = Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref start, offset));
        return BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(raw) : raw;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint UInt32(ref byte start, int offset)
    {
        uint raw = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, offset));
        return BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(raw) : raw;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong UInt64(ref byte start, int offset)
    {
        ulong raw = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, offset));
        return BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(raw) : raw;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Slice(ref byte start, int offset, int length) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref start, offset), length);
}
