using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static MeshSim.Wire.MeshHeaderBytes;
using static MeshSim.Wire.MeshHeaderFormat;

namespace MeshSim.Wire;

/// <summary>One header field of a mesh header: label and value as on the wire, and where they are.</summary>
public readonly ref struct MeshHeaderField
{
    internal MeshHeaderField(ReadOnlySpan<byte> label, ReadOnlySpan<byte> value, int entryOffset, int labelOffset)
    {
        Label = label;
        Value = value;
        EntryOffset = entryOffset;
        LabelOffset = labelOffset;
    }

    /// <summary>The label (lower case for a valid header; <c>:method</c> for the pseudo-header).</summary>
    public ReadOnlySpan<byte> Label { get; }
    /// <summary>The value.</summary>
    public ReadOnlySpan<byte> Value { get; }
    /// <summary>Byte offset of the field's table entry (its label-length byte) from the start of the mesh header.</summary>
    public int EntryOffset { get; }
    /// <summary>Byte offset of the field's label from the start of the mesh header.</summary>
    public int LabelOffset { get; }
    /// <summary>Byte offset of the field's value (right after the label).</summary>
    public int ValueOffset => LabelOffset + Label.Length;
}

/// <summary>Walks the header fields of a validated <see cref="MeshHeaderView"/>; usable with <c>foreach</c>.</summary>
/// <remarks>Reads the lengths from the field table and keeps the running sum of the lengths seen so
/// far as the position of the next label, so it never reads label or value bytes to find a field.
/// Every offset it visits was checked by <see cref="MeshHeaderView.TryParse"/>, so nothing is re-checked here.</remarks>
public ref struct MeshHeaderFieldEnumerator
{
    // Byte references rather than offsets: one add per step and no index arithmetic on the read path.
    private readonly ref byte _start;
    private ref byte _entry;
    private ref byte _next;
    private ref byte _label;
    private int _remaining;
    private int _labelLength;
    private int _valueLength;

    internal MeshHeaderFieldEnumerator(ReadOnlySpan<byte> bytes, int firstLabelOffset, int count)
    {
        _start = ref MemoryMarshal.GetReference(bytes);
        _entry = ref Unsafe.Add(ref _start, FieldTableOffset - FieldEntryLength);
        _next = ref Unsafe.Add(ref _start, firstLabelOffset);
        _label = ref _next;
        _remaining = count;
        _labelLength = 0;
        _valueLength = 0;
    }

    /// <summary>The current field (valid after <see cref="MoveNext"/> returned true).</summary>
    public readonly MeshHeaderField Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get =>
        new(MemoryMarshal.CreateReadOnlySpan(ref _label, _labelLength),
            MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref _label, _labelLength), _valueLength),
            (int)Unsafe.ByteOffset(ref _start, ref _entry), (int)Unsafe.ByteOffset(ref _start, ref _label));
    }

    /// <summary>Returns itself, for <c>foreach</c>.</summary>
    public readonly MeshHeaderFieldEnumerator GetEnumerator() => this;

    /// <summary>Advances to the next field; false after the last.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MoveNext()
    {
        if (_remaining == 0) return false;
        _remaining--;
        _entry = ref Unsafe.Add(ref _entry, FieldEntryLength);
        _labelLength = _entry;
        _valueLength = UInt16(ref _entry, 1);
        _label = ref _next;
        _next = ref Unsafe.Add(ref _next, (nint)(uint)(_labelLength + _valueLength));
        return true;
    }
}
