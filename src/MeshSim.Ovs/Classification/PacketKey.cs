using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MeshSim.Wire;

namespace MeshSim.Ovs.Classification;

/// <summary>
/// Everything an OpenFlow table can match on for one packet: the parsed headers of
/// <see cref="FlowKey"/> plus the pipeline metadata (conntrack state, registers, metadata, tunnel),
/// packed into <see cref="WordCount"/> 64-bit words. Packing makes masking, hashing and comparing a
/// handful of integer operations, which is what keeps the classifier fast (OVS's miniflow does the
/// same with its u64 "map" of present words).
/// </summary>
/// <remarks>The placement of each field is in <see cref="KeyField"/>; nothing else knows the layout.</remarks>
public struct PacketKey
{
    /// <summary>Number of 64-bit words in a key.</summary>
    public const int WordCount = 21;

    /// <summary>The packed words; index with <see cref="KeyField"/> positions.</summary>
    public KeyWords Words;

    /// <summary>Reads a field (right-aligned).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ulong Get(KeyField f) => (Words[f.Word] >> f.Shift) & f.Mask;

    /// <summary>Writes a field; bits above the field's width are ignored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Set(KeyField f, ulong value) =>
        Words[f.Word] = (Words[f.Word] & ~(f.Mask << f.Shift)) | ((value & f.Mask) << f.Shift);

    /// <summary>Builds the header part of a key from an extracted <see cref="FlowKey"/>; metadata starts at zero.</summary>
    public static PacketKey FromFlow(in FlowKey flow)
    {
        var k = default(PacketKey);
        k.LoadHeaders(in flow);
        return k;
    }

    /// <summary>Overwrites the header fields from <paramref name="flow"/> and keeps the metadata
    /// (registers, conntrack state), as after a header rewrite in the pipeline.</summary>
    public void LoadHeaders(in FlowKey flow)
    {
        Words[0] = ((ulong)flow.InPort << 32) | ((ulong)flow.EthType << 16) | flow.VlanTci;
        Words[1] = (flow.EthSrc.Value << 16) | ((ulong)flow.NwProto << 8) | flow.NwTos;
        Words[2] = (flow.EthDst.Value << 16) | ((ulong)flow.NwTtl << 8) | (byte)flow.NwFrag;
        Words[3] = ((ulong)flow.NwSrc.Value << 32) | flow.NwDst.Value;
        Words[4] = ((ulong)flow.TpSrc << 48) | ((ulong)flow.TpDst << 32) | ((ulong)flow.TcpFlags << 16) | (Words[4] & 0xFFFF);
        Words[5] = (flow.ArpSha.Value << 16) | (Words[5] & 0xFFFF);
        Words[6] = (flow.ArpTha.Value << 16) | (Words[6] & 0xFFFF);
    }

    /// <summary>Clears all pipeline metadata that a fresh packet starts without (ct_*, regs, metadata,
    /// pkt_mark), keeping headers and in_port.</summary>
    public void ClearMetadata()
    {
        Words[4] &= ~0xFFFFUL;
        Words[5] &= ~0xFFFFUL;
        Words[6] &= ~0xFFFFUL;
        for (int i = 7; i < WordCount; i++) Words[i] = 0;
    }

    /// <summary>Clears what ct_clear clears: the conntrack state and the original-direction tuple.</summary>
    public void ClearConntrack()
    {
        Words[4] &= ~0xFFFFUL;     // ct_state, ct_nw_proto
        Words[5] &= ~0xFFFFUL;     // ct_zone
        Words[6] &= ~0xFFFFUL;     // ct_tp_src
        Words[7] = 0;              // ct_mark, ct_tp_dst
        Words[8] = 0;              // ct_nw_src, ct_nw_dst
        Words[19] = 0;             // ct_label
        Words[20] = 0;
    }

    /// <summary>The words as a read-only span (hashing, comparing).</summary>
    public readonly ReadOnlySpan<ulong> AsSpan() =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AsRef(in Words[0]), WordCount);

    /// <summary>True when every word is equal.</summary>
    public readonly bool Equals(in PacketKey other) => AsSpan().SequenceEqual(other.AsSpan());
}

/// <summary>Inline storage for <see cref="PacketKey"/> words (no heap allocation per key).</summary>
[InlineArray(PacketKey.WordCount)]
public struct KeyWords
{
    private ulong _element0;
}
