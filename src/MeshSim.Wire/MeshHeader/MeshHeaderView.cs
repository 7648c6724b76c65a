using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using static MeshSim.Wire.MeshHeaderBytes;
using static MeshSim.Wire.MeshHeaderFormat;

namespace MeshSim.Wire;

/// <summary>
/// A validated mesh header at the start of a buffer. Created only by <see cref="TryParse"/> or
/// <see cref="TryParseStrict"/>; after success every accessor stays inside <see cref="Bytes"/>.
/// </summary>
/// <remarks>
/// <para><see cref="TryParse"/> checks structure, as a switch pipeline would: magic, version, the
/// codes for the message type, every length in the field table against its limit and their sum
/// against the total length. It does not look inside route, labels or values.</para>
/// <para><see cref="TryParseStrict"/> also checks their bytes: route is visible ASCII, labels are
/// lower-case tokens, values hold no control bytes and no surrounding whitespace. Anything that turns
/// a mesh header into HTTP text or compares labels must use it (or the converter, which does).</para>
/// Neither throws, whatever the bytes; a failure is a <see cref="WireError"/> naming the field and its byte offset.
/// </remarks>
public readonly ref struct MeshHeaderView
{
    private readonly ReadOnlySpan<byte> _b;
    private readonly int _codes;
    private readonly int _count;
    private readonly int _routeLength;

    private MeshHeaderView(ReadOnlySpan<byte> bytes, int codes, int count, int routeLength)
    {
        _b = bytes;
        _codes = codes;
        _count = count;
        _routeLength = routeLength;
    }

    /// <summary>The header's bytes, exactly <see cref="TotalLength"/> long.</summary>
    public ReadOnlySpan<byte> Bytes => _b;
    /// <summary>Total length of the mesh header; the HTTP message follows at this offset.</summary>
    public int TotalLength => _b.Length;
    /// <summary>Number of header fields (including a <c>:method</c> pseudo-header).</summary>
    public int HeaderCount => _count;
    /// <summary>Request or response.</summary>
    public MeshMessageType Type => (MeshMessageType)(_codes >> TypeShift);
    /// <summary>The method code (<see cref="HttpMethodKind.None"/> for responses).</summary>
    public HttpMethodKind Method => (HttpMethodKind)((_codes >> MethodShift) & 0xF);
    /// <summary>The status code (0 for requests).</summary>
    public int StatusCode => (_codes >> StatusShift) & 0x3FF;
    /// <summary>Offset of the route: right after the field table.</summary>
    public int RouteOffset => FieldTableOffset + FieldEntryLength * _count;
    /// <summary>The route (request target); empty for responses.</summary>
    public ReadOnlySpan<byte> Route
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _b.IsEmpty ? default : Slice(ref MemoryMarshal.GetReference(_b), RouteOffset, _routeLength);
    }
    /// <summary>All header fields in wire order, the <c>:method</c> pseudo-header included.</summary>
    public MeshHeaderFieldEnumerator Headers
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(_b, RouteOffset + _routeLength, _count);
    }

    /// <summary>The method token: the standard token, or for <see cref="HttpMethodKind.Extension"/> the <c>:method</c> value.</summary>
    public ReadOnlySpan<byte> MethodToken
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            int m = (int)Method;
            if ((uint)m >= (uint)StandardMethodSlices.Length) return m == (int)HttpMethodKind.Extension ? ExtensionMethodToken() : default;
            // A slice of one constant string instead of a call per lookup (this sits on the read path);
            // a test checks it against HttpMethods.Token for every code. Every slice lies inside the string.
            int slice = StandardMethodSlices[m];
            return MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref MemoryMarshal.GetReference(StandardMethodTokens), slice & 0xFF), slice >> 8);
        }
    }

    /// <summary>The <c>:method</c> value (first field) of an extension-method request; out of line, it is rare.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ReadOnlySpan<byte> ExtensionMethodToken()
    {
        var e = Headers;
        e.MoveNext();
        return e.Current.Value;
    }

    /// <summary>Bit n set when method code n is valid in a request: 1-9 and 15.</summary>
    private const int KnownMethodCodes = 0b1000_0011_1111_1110;

    /// <summary>The tokens of method codes 1-9, back to back.</summary>
    private static ReadOnlySpan<byte> StandardMethodTokens => "GETHEADPOSTPUTDELETECONNECTOPTIONSTRACEPATCH"u8;

    /// <summary>Per method code 0-9: offset in <see cref="StandardMethodTokens"/> | length &lt;&lt; 8 (code 0: empty).</summary>
    private static ReadOnlySpan<ushort> StandardMethodSlices =>
        [0, 3 << 8 | 0, 4 << 8 | 3, 4 << 8 | 7, 3 << 8 | 11, 6 << 8 | 14, 7 << 8 | 20, 7 << 8 | 27, 5 << 8 | 34, 5 << 8 | 39];

    /// <summary>The value of the first header whose label equals <paramref name="label"/> byte for byte
    /// (labels are lower case on the wire, so pass a lower-case name).</summary>
    /// <remarks>Inlined so that a constant label (<c>"host"u8</c>) compiles to a fixed-length compare.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetHeader(ReadOnlySpan<byte> label, out ReadOnlySpan<byte> value)
    {
        foreach (var field in Headers)
        {
            if (field.Label.SequenceEqual(label)) { value = field.Value; return true; }
        }
        value = default;
        return false;
    }

    /// <summary>True when <paramref name="stream"/> starts with a mesh header (the magic followed by a
    /// byte that no HTTP message can have there); false for anything else, including too few bytes to tell.</summary>
    public static bool StartsWithMagic(ReadOnlySpan<byte> stream) =>
        stream.Length > VersionOffset && stream[0] == Magic0 && stream[1] == Magic1
        && !(stream[VersionOffset] == (byte)' ' || HttpMethods.IsTokenByte(stream[VersionOffset]));

    /// <summary>Structural parse (see the type remarks). On success <paramref name="view"/> covers exactly the header.</summary>
    /// <remarks>Two paths, as in Kestrel's parser: a fast one with combined checks that only answers
    /// "valid", and on any doubt the detailed one, which checks field by field and names the first
    /// broken field. The detailed path alone decides what is invalid; a property test checks that
    /// both paths accept exactly the same inputs.</remarks>
    public static bool TryParse(ReadOnlySpan<byte> buffer, out MeshHeaderView view, out WireError error)
    {
        if (TryParseFast(buffer, out view))
        {
            error = default;
            return true;
        }
        return TryParseDetailed(buffer, out view, out error);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryParseFast(ReadOnlySpan<byte> buffer, out MeshHeaderView view)
    {
        view = default;
        if (buffer.Length < FixedLength) return false;
        // Every read below is proven to be inside the buffer (see MeshHeaderBytes): the fixed part,
        // bytes below `total` (at most buffer.Length), or 16-byte table loads checked against
        // buffer.Length itself (they may read past the header into what follows it, never past the span).
        ref byte b = ref MemoryMarshal.GetReference(buffer);
        // One load for magic, version, header count, total length and codes (offsets 0-7).
        ulong head = UInt64(ref b, MagicOffset);
        int count = (int)(head >> 32) & 0xFF;
        int total = (int)(head >> 16) & 0xFFFF;
        int codes = (int)head & 0xFFFF;
        int routeLength = UInt16(ref b, RouteLengthOffset);
        if (head >> 40 != (Magic0 << 16 | Magic1 << 8 | CurrentVersion) || count > MaxHeaderCount
            || (uint)(total - FixedLength) > MaxTotalLength - FixedLength || total > buffer.Length) return false;

        int method = codes >> MethodShift; // T is 0 here for requests, so this is the 4-bit method
        if (codes < 1 << TypeShift)
        {
            // Request: status and R zero, method 1-9 or 15 (a bit set in KnownMethodCodes), route 1-2048 bytes.
            if ((codes & 0x07FF) != 0 || (KnownMethodCodes >> method & 1) == 0 || (uint)(routeLength - 1) >= MaxRouteLength) return false;
        }
        else
        {
            // Response: method and R zero, status 100-999, no route.
            if ((codes & 0x7801) != 0 || (uint)(((codes >> StatusShift) & 0x3FF) - MinStatusCode) > MaxStatusCode - MinStatusCode
                || routeLength != 0) return false;
        }

        int data = FieldTableOffset + FieldEntryLength * count + routeLength;
        // Each label has at least one byte, so a valid header has room for `count` more bytes after
        // the route. Checking that first also proves the 4-byte table reads below stay below `total`:
        // the last one ends one byte after the table.
        if (data + count > total) return false;

        // The table entries are independent loads (no entry's position depends on another's
        // contents). Up to four entries (the common case) are one vector step, straight-line.
        int sum = Vector128.IsHardwareAccelerated && count <= 4 && buffer.Length >= FieldTableOffset + Vector128<byte>.Count
            ? TableSum4(ref b, FieldTableOffset, count)
            : count == 0 ? 0 : TableSum(ref b, count, buffer.Length);
        if (sum < 0 || data + sum != total) return false;
        // Extension methods (rare): the first field must be ":method" with a value. Its bytes are
        // inside the header, which the sum above proved.
        // Compared as two overlapping 4-byte words (":met", "thod"), no call on the hot path.
        if (method == (int)HttpMethodKind.Extension
            && (count == 0 || UInt16(ref b, FieldTableOffset + 1) == 0 || Byte(ref b, FieldTableOffset) != MethodPseudoLabelLength
                || UInt32(ref b, data) != 0x3A6D6574 || UInt32(ref b, data + 3) != 0x74686F64))
            return false;

        view = new MeshHeaderView(Slice(ref b, 0, total), codes, count, routeLength);
        return true;
    }

    /// <summary>The sum of label and value lengths of the <paramref name="live"/> (at most 4) table
    /// entries at <paramref name="offset"/>, or -1 when one breaks a limit (label length outside 1-64,
    /// value length over 1024). Reads 16 bytes from <paramref name="offset"/>: the caller proves they are in the buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int TableSum4(ref byte b, int offset, int live)
    {
        var entries = Vector128.LoadUnsafe(ref b, (nuint)offset);
        // Spread 4 entries into int lanes: label length (byte 0), value length (bytes 1-2, big-endian).
        var labels = Vector128.Shuffle(entries, Vector128.Create((byte)0, 0xFF, 0xFF, 0xFF, 3, 0xFF, 0xFF, 0xFF, 6, 0xFF, 0xFF, 0xFF, 9, 0xFF, 0xFF, 0xFF)).AsInt32();
        var values = Vector128.Shuffle(entries, Vector128.Create((byte)2, 1, 0xFF, 0xFF, 5, 4, 0xFF, 0xFF, 8, 7, 0xFF, 0xFF, 11, 10, 0xFF, 0xFF)).AsInt32();
        var lanes = Vector128.LessThan(Vector128.Create(0, 1, 2, 3), Vector128.Create(live));
        // Sign bit set in a lane whose label length is outside 1-64 or value length over 1024.
        var broken = (labels - Vector128<int>.One) | (Vector128.Create(MaxLabelLength) - labels) | (Vector128.Create(MaxValueLength) - values);
        int sum = Vector128.Sum((labels + values) & lanes);
        return (broken & lanes).ExtractMostSignificantBits() == 0 ? sum : -1;
    }

    /// <summary><see cref="TableSum4"/> for any number of entries: vector steps while 16 bytes are
    /// readable, then one entry at a time. Scalar reads are 4 bytes wide; the caller proves the header
    /// has at least one byte after the table (every label has one).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int TableSum(ref byte b, int count, int readable)
    {
        int sum = 0, i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i < count && FieldTableOffset + FieldEntryLength * i + Vector128<byte>.Count <= readable; i += 4)
            {
                int part = TableSum4(ref b, FieldTableOffset + FieldEntryLength * i, Math.Min(4, count - i));
                if (part < 0) return -1;
                sum += part;
            }
            i = Math.Min(i, count);
        }
        int bad = 0;
        for (int entry = FieldTableOffset + FieldEntryLength * i; i < count; i++, entry += FieldEntryLength)
        {
            uint e = UInt32(ref b, entry); // label length, value length, and one byte of what follows
            int label = (int)(e >> 24), value = (int)(e >> 8) & 0xFFFF;
            bad |= (label - 1) | (MaxLabelLength - label) | (MaxValueLength - value);
            sum += label + value;
        }
        return bad < 0 ? -1 : sum;
    }

    /// <summary>The field-by-field check: same verdict as the fast path, plus the first broken field and its offset.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // the cold path: keeps the fast path small where it is inlined
    internal static bool TryParseDetailed(ReadOnlySpan<byte> buffer, out MeshHeaderView view, out WireError error)
    {
        view = default;
        if (buffer.Length < FixedLength)
            return Fail(out error, WireError.Truncated(0, FixedLength, buffer.Length, "mesh.fixed"));
        // From here every read is at an offset proven to be below buffer.Length (first the fixed
        // part, then below `total`, which is at most buffer.Length); see MeshHeaderBytes.
        ref byte b = ref MemoryMarshal.GetReference(buffer);
        if (Byte(ref b, 0) != Magic0 || Byte(ref b, 1) != Magic1) return Fail(out error, WireError.BadField(MagicOffset, "mesh.magic"));
        if (Byte(ref b, VersionOffset) != CurrentVersion) return Fail(out error, WireError.Unsupported(VersionOffset, "mesh.version"));
        int count = Byte(ref b, HeaderCountOffset);
        if (count > MaxHeaderCount) return Fail(out error, WireError.BadField(HeaderCountOffset, "mesh.header_count"));
        int total = UInt16(ref b, TotalLengthOffset);
        if (total < FixedLength || total > MaxTotalLength) return Fail(out error, WireError.BadField(TotalLengthOffset, "mesh.total_length"));
        if (buffer.Length < total) return Fail(out error, WireError.Truncated(0, total, buffer.Length, "mesh.total_length"));

        int codes = UInt16(ref b, CodesOffset);
        int method = (codes >> MethodShift) & 0xF;
        int status = (codes >> StatusShift) & 0x3FF;
        int routeLength = UInt16(ref b, RouteLengthOffset);
        if ((codes & ReservedMask) != 0) return Fail(out error, WireError.BadField(CodesOffset + 1, "mesh.reserved"));
        if (codes >> TypeShift != 0)
        {
            if (method != 0) return Fail(out error, WireError.BadField(CodesOffset, "mesh.method"));
            if (status is < MinStatusCode or > MaxStatusCode) return Fail(out error, WireError.BadField(CodesOffset, "mesh.status"));
            if (routeLength != 0) return Fail(out error, WireError.BadField(RouteLengthOffset, "mesh.route_length"));
        }
        else
        {
            if (status != 0) return Fail(out error, WireError.BadField(CodesOffset, "mesh.status"));
            if (method == 0) return Fail(out error, WireError.BadField(CodesOffset, "mesh.method"));
            if (method is > (int)HttpMethodKind.Patch and < (int)HttpMethodKind.Extension)
                return Fail(out error, WireError.Unsupported(CodesOffset, "mesh.method"));
            if (routeLength == 0 || routeLength > MaxRouteLength) return Fail(out error, WireError.BadField(RouteLengthOffset, "mesh.route_length"));
        }

        int routeOffset = FieldTableOffset + FieldEntryLength * count;
        if (routeOffset > total) return Fail(out error, WireError.BadField(HeaderCountOffset, "mesh.header_count"));
        int data = routeOffset + routeLength;
        if (data > total) return Fail(out error, WireError.BadField(RouteLengthOffset, "mesh.route_length"));
        int end = data;
        for (int i = 0, entry = FieldTableOffset; i < count; i++, entry += FieldEntryLength)
        {
            int labelLength = Byte(ref b, entry);
            int valueLength = UInt16(ref b, entry + 1);
            if (labelLength is 0 or > MaxLabelLength) return Fail(out error, WireError.BadField(entry, "mesh.label_length"));
            if (valueLength > MaxValueLength) return Fail(out error, WireError.BadField(entry + 1, "mesh.value_length"));
            end += labelLength + valueLength;
            if (end > total) return Fail(out error, WireError.BadField(entry, "mesh.header"));
        }
        if (end != total) return Fail(out error, WireError.BadField(TotalLengthOffset, "mesh.total_length"));
        if (method == (int)HttpMethodKind.Extension)
        {
            if (count == 0) return Fail(out error, WireError.BadField(HeaderCountOffset, "mesh.extension_method"));
            if (UInt16(ref b, FieldTableOffset + 1) == 0) return Fail(out error, WireError.BadField(FieldTableOffset + 1, "mesh.extension_method"));
            if (!Slice(ref b, data, Byte(ref b, FieldTableOffset)).SequenceEqual(MethodPseudoLabel))
                return Fail(out error, WireError.BadField(data, "mesh.extension_method"));
        }

        view = new MeshHeaderView(Slice(ref b, 0, total), codes, count, routeLength);
        error = default;
        return true;
    }

    /// <summary>Structural parse plus byte-level checks of route, labels and values (see the type remarks).</summary>
    public static bool TryParseStrict(ReadOnlySpan<byte> buffer, out MeshHeaderView view, out WireError error)
    {
        if (!TryParse(buffer, out view, out error)) return false;
        var route = view.Route;
        int badRouteByte = route.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7E);
        if (badRouteByte >= 0) return Fail(out view, out error, WireError.BadField(view.RouteOffset + badRouteByte, "mesh.route"));
        bool extension = view.Method == HttpMethodKind.Extension;
        int index = 0;
        foreach (var field in view.Headers)
        {
            bool pseudo = extension && index == 0;
            if (pseudo ? !HttpMethods.IsToken(field.Value) : !MeshLabels.IsCanonical(field.Label))
                return Fail(out view, out error, WireError.BadField(pseudo ? field.ValueOffset : field.LabelOffset, pseudo ? "mesh.extension_method" : "mesh.label"));
            if (!MeshLabels.IsValidValue(field.Value))
                return Fail(out view, out error, WireError.BadField(field.ValueOffset, "mesh.value"));
            index++;
        }
        return true;
    }

    /// <summary>One line, e.g. <c>mesh v2 request GET /api/list 3 headers (58 bytes)</c>.</summary>
    public override string ToString()
    {
        var s = new StringBuilder("mesh v2 ");
        if (Type == MeshMessageType.Request)
            s.Append("request ").Append(Encoding.Latin1.GetString(MethodToken)).Append(' ').Append(Encoding.Latin1.GetString(Route));
        else
            s.Append("response ").Append(StatusCode);
        return s.Append(' ').Append(HeaderCount).Append(" headers (").Append(TotalLength).Append(" bytes)").ToString();
    }

    private static bool Fail(out WireError error, WireError value)
    {
        error = value;
        return false;
    }

    private static bool Fail(out MeshHeaderView view, out WireError error, WireError value)
    {
        view = default;
        error = value;
        return false;
    }
}
