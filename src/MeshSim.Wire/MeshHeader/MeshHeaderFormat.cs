namespace MeshSim.Wire;

/// <summary>Request or response (the T bit).</summary>
public enum MeshMessageType : byte
{
    /// <summary>T = 0: an HTTP request; method and route are set, status is 0.</summary>
    Request = 0,
    /// <summary>T = 1: an HTTP response; status is set, method and route are empty.</summary>
    Response = 1,
}

/// <summary>
/// Field offsets, bit positions and limits of mesh header version 2 (docs/mesh-header.md), kept in
/// one place so the view, the writer and the checks cannot disagree. All multi-byte fields are big-endian.
/// </summary>
/// <remarks>Version 2 puts every length up front: the fixed part, then a table with one entry per
/// header field (label length, value length), then the route, then the labels and values back to back.
/// A parser validates the table with independent loads and finds field i by a prefix sum, instead
/// of version 1's chain of dependent loads through the data.<code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  magic 'M' 0x4D |  magic 'H' 0x48 |  version = 2  | header count  |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |          total length         |T|method |    status code    |R|
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |          route length         | field table: header count x (label length 8 | value length 16)
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// then route | label 0 | value 0 | label 1 | value 1 | ...
/// </code></remarks>
public static class MeshHeaderFormat
{
    /// <summary>First magic byte, ASCII 'M'.</summary>
    public const byte Magic0 = 0x4D;
    /// <summary>Second magic byte, ASCII 'H'.</summary>
    public const byte Magic1 = 0x48;
    /// <summary>The version this code reads and writes.</summary>
    public const byte CurrentVersion = 2;

    /// <summary>Offset of the magic (2 bytes).</summary>
    public const int MagicOffset = 0;
    /// <summary>Offset of the version byte.</summary>
    public const int VersionOffset = 2;
    /// <summary>Offset of the header count byte.</summary>
    public const int HeaderCountOffset = 3;
    /// <summary>Offset of the 16-bit total length (of the whole mesh header, fixed part included).</summary>
    public const int TotalLengthOffset = 4;
    /// <summary>Offset of the 16-bit word T(1) method(4) status(10) reserved(1).</summary>
    public const int CodesOffset = 6;
    /// <summary>Offset of the 16-bit route length.</summary>
    public const int RouteLengthOffset = 8;
    /// <summary>Length of the fixed part; the field table starts here.</summary>
    public const int FixedLength = 10;
    /// <summary>Offset of the field table (<c>header count</c> entries of <see cref="FieldEntryLength"/> bytes).</summary>
    public const int FieldTableOffset = FixedLength;
    /// <summary>Bytes of one field table entry: label length (1) and value length (2).</summary>
    public const int FieldEntryLength = 3;

    /// <summary>Bit of the T (type) flag in the codes word.</summary>
    public const int TypeShift = 15;
    /// <summary>Shift of the 4-bit method in the codes word.</summary>
    public const int MethodShift = 11;
    /// <summary>Shift of the 10-bit status code in the codes word.</summary>
    public const int StatusShift = 1;
    /// <summary>Mask of the reserved bit (bit 0) in the codes word; must be zero.</summary>
    public const ushort ReservedMask = 0x0001;

    /// <summary>Longest mesh header, in bytes.</summary>
    public const int MaxTotalLength = 8192;
    /// <summary>Longest route.</summary>
    public const int MaxRouteLength = 2048;
    /// <summary>Most headers.</summary>
    public const int MaxHeaderCount = 32;
    /// <summary>Longest label (labels are at least 1 byte).</summary>
    public const int MaxLabelLength = 64;
    /// <summary>Longest value.</summary>
    public const int MaxValueLength = 1024;
    /// <summary>Smallest and largest status code (HTTP's three digits).</summary>
    public const int MinStatusCode = 100, MaxStatusCode = 999;

    /// <summary>The pseudo-label that carries an extension method's token as the first header.</summary>
    public static ReadOnlySpan<byte> MethodPseudoLabel => ":method"u8;
    /// <summary>Length of <see cref="MethodPseudoLabel"/>.</summary>
    public const int MethodPseudoLabelLength = 7;
}
