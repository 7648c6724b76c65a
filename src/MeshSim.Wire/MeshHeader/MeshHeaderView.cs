using System.Runtime.InteropServices;
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
/// codes for the message type, every length against its limit and against the total length, in one
/// walk over the header prefixes. It does not look inside route, labels or values.</para>
/// <para><see cref="TryParseStrict"/> also checks their bytes: route is visible ASCII, labels are
/// lower-case tokens, values hold no control bytes and no surrounding whitespace. Anything that turns
/// a mesh header into HTTP text or compares labels must use it (or the converter, which does).</para>
/// Neither throws, whatever the bytes; a failure is a <see cref="WireError"/> naming the field and its byte offset.
/// </remarks>
public readonly ref struct MeshHeaderView
{
    private readonly ReadOnlySpan<byte> _b;
    private readonly int _codes;
    private readonly int _routeLength;

    private MeshHeaderView(ReadOnlySpan<byte> bytes, int codes, int routeLength)
    {
        _b = bytes;
        _codes = codes;
        _routeLength = routeLength;
    }

    /// <summary>The header's bytes, exactly <see cref="TotalLength"/> long.</summary>
    public ReadOnlySpan<byte> Bytes => _b;
    /// <summary>Total length of the mesh header; the HTTP message follows at this offset.</summary>
    public int TotalLength => _b.Length;
    /// <summary>Number of header fields (including a <c>:method</c> pseudo-header).</summary>
    public int HeaderCount => _b.IsEmpty ? 0 : _b[HeaderCountOffset];
    /// <summary>Request or response.</summary>
    public MeshMessageType Type => (MeshMessageType)(_codes >> TypeShift);
    /// <summary>The method code (<see cref="HttpMethodKind.None"/> for responses).</summary>
    public HttpMethodKind Method => (HttpMethodKind)((_codes >> MethodShift) & 0xF);
    /// <summary>The status code (0 for requests).</summary>
    public int StatusCode => (_codes >> StatusShift) & 0x3FF;
    /// <summary>The route (request target); empty for responses.</summary>
    public ReadOnlySpan<byte> Route => _b.IsEmpty ? default : Slice(ref MemoryMarshal.GetReference(_b), FixedLength, _routeLength);
    /// <summary>All header fields in wire order, the <c>:method</c> pseudo-header included.</summary>
    public MeshHeaderFieldEnumerator Headers => new(_b, FixedLength + _routeLength, HeaderCount);

    /// <summary>The method token: the standard token, or for <see cref="HttpMethodKind.Extension"/> the <c>:method</c> value.</summary>
    public ReadOnlySpan<byte> MethodToken
    {
        get
        {
            var m = Method;
            if (m != HttpMethodKind.Extension) return HttpMethods.Token(m);
            var e = Headers;
            e.MoveNext();
            return e.Current.Value;
        }
    }

    /// <summary>The value of the first header whose label equals <paramref name="label"/> byte for byte
    /// (labels are lower case on the wire, so pass a lower-case name).</summary>
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

    private static bool TryParseFast(ReadOnlySpan<byte> buffer, out MeshHeaderView view)
    {
        view = default;
        if (buffer.Length < FixedLength) return false;
        // Every read below is at an offset proven to be inside the fixed part or below `total`,
        // which is at most buffer.Length (see MeshHeaderBytes).
        ref byte b = ref MemoryMarshal.GetReference(buffer);
        if (UInt16(ref b, MagicOffset) != (Magic0 << 8 | Magic1) || Byte(ref b, VersionOffset) != CurrentVersion) return false;
        int count = Byte(ref b, HeaderCountOffset);
        int total = UInt16(ref b, TotalLengthOffset);
        if (count > MaxHeaderCount || (uint)(total - FixedLength) > MaxTotalLength - FixedLength || total > buffer.Length) return false;

        int codes = UInt16(ref b, CodesOffset);
        int routeLength = UInt16(ref b, RouteLengthOffset);
        int method = codes >> MethodShift; // T is 0 here for requests, so this is the 4-bit method
        if (codes < 1 << TypeShift)
        {
            // Request: status and R zero, method 1-9 or 15, route 1-2048 bytes.
            if ((codes & 0x07FF) != 0 || method == 0 || (method > (int)HttpMethodKind.Patch && method != (int)HttpMethodKind.Extension)
                || (uint)(routeLength - 1) >= MaxRouteLength) return false;
        }
        else
        {
            // Response: method and R zero, status 100-999, no route.
            if ((codes & 0x7801) != 0 || (uint)(((codes >> StatusShift) & 0x3FF) - MinStatusCode) > MaxStatusCode - MinStatusCode
                || routeLength != 0) return false;
        }

        int first = FixedLength + routeLength;
        int pos = first;
        if (pos > total) return false;
        for (int i = 0; i < count; i++)
        {
            if (total - pos < HeaderPrefixLength) return false;
            int labelLength = Byte(ref b, pos);
            int valueLength = UInt16(ref b, pos + 1);
            if ((uint)(labelLength - 1) >= MaxLabelLength || valueLength > MaxValueLength) return false;
            pos += HeaderPrefixLength + labelLength + valueLength;
            if (pos > total) return false;
        }
        if (pos != total) return false;
        // Extension methods (rare): the first field must be ":method" with a value. All its bytes
        // are inside the header, which the walk above proved.
        if (method == (int)HttpMethodKind.Extension
            && (count == 0 || UInt16(ref b, first + 1) == 0
                || !Slice(ref b, first + HeaderPrefixLength, Byte(ref b, first)).SequenceEqual(MethodPseudoLabel)))
            return false;

        view = new MeshHeaderView(Slice(ref b, 0, total), codes, routeLength);
        return true;
    }

    /// <summary>The field-by-field check: same verdict as the fast path, plus the first broken field and its offset.</summary>
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

        int pos = FixedLength + routeLength;
        if (pos > total) return Fail(out error, WireError.BadField(RouteLengthOffset, "mesh.route_length"));
        for (int i = 0; i < count; i++)
        {
            if (total - pos < HeaderPrefixLength) return Fail(out error, WireError.BadField(pos, "mesh.header"));
            int labelLength = Byte(ref b, pos);
            int valueLength = UInt16(ref b, pos + 1);
            if (labelLength is 0 or > MaxLabelLength) return Fail(out error, WireError.BadField(pos, "mesh.label_length"));
            if (valueLength > MaxValueLength) return Fail(out error, WireError.BadField(pos + 1, "mesh.value_length"));
            int next = pos + HeaderPrefixLength + labelLength + valueLength;
            if (next > total) return Fail(out error, WireError.BadField(pos, "mesh.header"));
            if (i == 0 && method == (int)HttpMethodKind.Extension
                && (valueLength == 0 || !Slice(ref b, pos + HeaderPrefixLength, labelLength).SequenceEqual(MethodPseudoLabel)))
                return Fail(out error, WireError.BadField(pos, "mesh.extension_method"));
            pos = next;
        }
        if (count == 0 && method == (int)HttpMethodKind.Extension) return Fail(out error, WireError.BadField(HeaderCountOffset, "mesh.extension_method"));
        if (pos != total) return Fail(out error, WireError.BadField(TotalLengthOffset, "mesh.total_length"));

        view = new MeshHeaderView(Slice(ref b, 0, total), codes, routeLength);
        error = default;
        return true;
    }

    /// <summary>Structural parse plus byte-level checks of route, labels and values (see the type remarks).</summary>
    public static bool TryParseStrict(ReadOnlySpan<byte> buffer, out MeshHeaderView view, out WireError error)
    {
        if (!TryParse(buffer, out view, out error)) return false;
        var route = view.Route;
        if (route.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7E) >= 0)
            return Fail(out view, out error, WireError.BadField(FixedLength + route.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7E), "mesh.route"));
        bool extension = view.Method == HttpMethodKind.Extension;
        int index = 0;
        foreach (var field in view.Headers)
        {
            bool pseudo = extension && index == 0;
            if (pseudo ? !HttpMethods.IsToken(field.Value) : !MeshLabels.IsCanonical(field.Label))
                return Fail(out view, out error, WireError.BadField(field.Offset + (pseudo ? HeaderPrefixLength + field.Label.Length : HeaderPrefixLength), pseudo ? "mesh.extension_method" : "mesh.label"));
            if (!MeshLabels.IsValidValue(field.Value))
                return Fail(out view, out error, WireError.BadField(field.Offset + HeaderPrefixLength + field.Label.Length, "mesh.value"));
            index++;
        }
        return true;
    }

    /// <summary>One line, e.g. <c>mesh v1 request GET /api/list 3 headers (58 bytes)</c>.</summary>
    public override string ToString()
    {
        var s = new StringBuilder("mesh v1 ");
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
