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
/// <remarks>Holds a reference to the header's first byte and the offset of the current field; every
/// offset it visits was checked by <see cref="MeshHeaderView.TryParse"/>, so nothing is re-checked here.</remarks>
public ref struct MeshHeaderFieldEnumerator
{
    private readonly ref byte _b;
    private int _next;
    private int _current;
    private int _remaining;

    internal MeshHeaderFieldEnumerator(ReadOnlySpan<byte> bytes, int firstOffset, int count)
    {
        _b = ref MemoryMarshal.GetReference(bytes);
        _next = firstOffset;
        _current = -1;
        _remaining = count;
    }

    /// <summary>The current field (valid after <see cref="MoveNext"/> returned true).</summary>
    public readonly MeshHeaderField Current
    {
        get
        {
            int labelLength = Byte(ref _b, _current);
            int valueLength = UInt16(ref _b, _current + 1);
            return new MeshHeaderField(Slice(ref _b, _current + HeaderPrefixLength, labelLength),
                                       Slice(ref _b, _current + HeaderPrefixLength + labelLength, valueLength), _current);
        }
    }

    /// <summary>Returns itself, for <c>foreach</c>.</summary>
    public readonly MeshHeaderFieldEnumerator GetEnumerator() => this;

    /// <summary>Advances to the next field; false after the last.</summary>
    public bool MoveNext()
    {
        if (_remaining == 0) return false;
        _remaining--;
        _current = _next;
        _next += HeaderPrefixLength + Byte(ref _b, _next) + UInt16(ref _b, _next + 1);
        return true;
    }
}
