using System.Runtime.InteropServices;
using static MeshSim.Wire.MeshHeaderBytes;
using static MeshSim.Wire.MeshHeaderFormat;

namespace MeshSim.Wire;

/// <summary>One header field of a mesh header: label and value as on the wire, and where it starts.</summary>
public readonly ref struct MeshHeaderField
{
    internal MeshHeaderField(ReadOnlySpan<byte> label, ReadOnlySpan<byte> value, int offset)
    {
        Label = label;
        Value = value;
        Offset = offset;
    }

    /// <summary>The label (lower case for a valid header; <c>:method</c> for the pseudo-header).</summary>
    public ReadOnlySpan<byte> Label { get; }
    /// <summary>The value.</summary>
    public ReadOnlySpan<byte> Value { get; }
    /// <summary>Byte offset of the field's label-length byte from the start of the mesh header.</summary>
    public int Offset { get; }
}

/// <summary>Walks the header fields of a validated <see cref="MeshHeaderView"/>; usable with <c>foreach</c>.</summary>
public ref struct MeshHeaderFieldEnumerator
{
    private readonly ReadOnlySpan<byte> _b;
    private int _next;
    private int _remaining;

    internal MeshHeaderFieldEnumerator(ReadOnlySpan<byte> bytes, int firstOffset, int count)
    {
        _b = bytes;
        _next = firstOffset;
        _remaining = count;
        Current = default;
    }

    /// <summary>The current field.</summary>
    public MeshHeaderField Current { get; private set; }

    /// <summary>Returns itself, for <c>foreach</c>.</summary>
    public readonly MeshHeaderFieldEnumerator GetEnumerator() => this;

    /// <summary>Advances to the next field; false after the last.</summary>
    public bool MoveNext()
    {
        if (_remaining == 0) return false;
        _remaining--;
        // Offsets and lengths were all checked by MeshHeaderView.TryParse; no re-check here.
        ref byte b = ref MemoryMarshal.GetReference(_b);
        int at = _next;
        int labelLength = Byte(ref b, at);
        int valueLength = UInt16(ref b, at + 1);
        Current = new MeshHeaderField(Slice(ref b, at + HeaderPrefixLength, labelLength),
                                      Slice(ref b, at + HeaderPrefixLength + labelLength, valueLength), at);
        _next = at + HeaderPrefixLength + labelLength + valueLength;
        return true;
    }
}
