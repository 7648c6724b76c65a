using static MeshSim.Wire.HttpCharacterClasses;

namespace MeshSim.Wire;

/// <summary>
/// The canonical form of header names and values on the mesh header wire. HTTP field names are
/// case-insensitive; on the wire they are lower case (as in HTTP/2 and HTTP/3), so a switch can
/// compare bytes. Values are carried as HTTP has them after trimming surrounding whitespace.
/// </summary>
public static class MeshLabels
{
    /// <summary>True for a non-empty token without upper-case letters.</summary>
    public static bool IsCanonical(ReadOnlySpan<byte> label)
    {
        // Labels are short (at most 64 bytes, typically under 16): a table lookup per byte beats a vectorised search here.
        var table = TokenTable;
        foreach (byte b in label)
            if ((table[b] & LowerTokenBit) == 0) return false;
        return !label.IsEmpty;
    }

    /// <summary>True for a value without control bytes and without leading or trailing SP/HTAB.</summary>
    public static bool IsValidValue(ReadOnlySpan<byte> value) =>
        value.IndexOfAny(NotFieldContent) < 0 && (value.IsEmpty || (!IsWhitespace(value[0]) && !IsWhitespace(value[^1])));

    /// <summary>Copies <paramref name="name"/> to <paramref name="destination"/> in lower case (ASCII letters only change).</summary>
    public static void ToLower(ReadOnlySpan<byte> name, Span<byte> destination)
    {
        for (int i = 0; i < name.Length; i++)
        {
            byte c = name[i];
            destination[i] = c is >= (byte)'A' and <= (byte)'Z' ? (byte)(c | 0x20) : c;
        }
    }
}
