using System.Buffers.Binary;
using System.Text;
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

    private MeshHeaderView(ReadOnlySpan<byte> bytes) => _b = bytes;

    /// <summary>The header's bytes, exactly <see cref="TotalLength"/> long.</summary>
    public ReadOnlySpan<byte> Bytes => _b;
    /// <summary>Total length of the mesh header; the HTTP message follows at this offset.</summary>
    public int TotalLength => _b.Length;
    /// <summary>Number of header fields (including a <c>:method</c> pseudo-header).</summary>
    public int HeaderCount => _b[HeaderCountOffset];
    private ushort Codes => BinaryPrimitives.ReadUInt16BigEndian(_b[CodesOffset..]);
    /// <summary>Request or response.</summary>
    public MeshMessageType Type => (MeshMessageType)(Codes >> TypeShift);
    /// <summary>The method code (<see cref="HttpMethodKind.None"/> for responses).</summary>
    public HttpMethodKind Method => (HttpMethodKind)((Codes >> MethodShift) & 0xF);
    /// <summary>The status code (0 for requests).</summary>
    public int StatusCode => (Codes >> StatusShift) & 0x3FF;
    /// <summary>The route (request target); empty for responses.</summary>
    public ReadOnlySpan<byte> Route => _b.Slice(FixedLength, BinaryPrimitives.ReadUInt16BigEndian(_b[RouteLengthOffset..]));
    /// <summary>All header fields in wire order, the <c>:method</c> pseudo-header included.</summary>
    public MeshHeaderFieldEnumerator Headers => new(_b, FixedLength + Route.Length, HeaderCount);

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
    public static bool TryParse(ReadOnlySpan<byte> buffer, out MeshHeaderView view, out WireError error)
    {
        view = default;
        if (buffer.Length < FixedLength)
            return Fail(out error, WireError.Truncated(0, FixedLength, buffer.Length, "mesh.fixed"));
        if (buffer[0] != Magic0 || buffer[1] != Magic1) return Fail(out error, WireError.BadField(MagicOffset, "mesh.magic"));
        if (buffer[VersionOffset] != CurrentVersion) return Fail(out error, WireError.Unsupported(VersionOffset, "mesh.version"));
        int count = buffer[HeaderCountOffset];
        if (count > MaxHeaderCount) return Fail(out error, WireError.BadField(HeaderCountOffset, "mesh.header_count"));
        int total = BinaryPrimitives.ReadUInt16BigEndian(buffer[TotalLengthOffset..]);
        if (total < FixedLength || total > MaxTotalLength) return Fail(out error, WireError.BadField(TotalLengthOffset, "mesh.total_length"));
        if (buffer.Length < total) return Fail(out error, WireError.Truncated(0, total, buffer.Length, "mesh.total_length"));

        var b = buffer[..total];
        ushort codes = BinaryPrimitives.ReadUInt16BigEndian(b[CodesOffset..]);
        int method = (codes >> MethodShift) & 0xF;
        int status = (codes >> StatusShift) & 0x3FF;
        int routeLength = BinaryPrimitives.ReadUInt16BigEndian(b[RouteLengthOffset..]);
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
            int labelLength = b[pos];
            int valueLength = BinaryPrimitives.ReadUInt16BigEndian(b[(pos + 1)..]);
            if (labelLength is 0 or > MaxLabelLength) return Fail(out error, WireError.BadField(pos, "mesh.label_length"));
            if (valueLength > MaxValueLength) return Fail(out error, WireError.BadField(pos + 1, "mesh.value_length"));
            int next = pos + HeaderPrefixLength + labelLength + valueLength;
            if (next > total) return Fail(out error, WireError.BadField(pos, "mesh.header"));
            if (i == 0 && method == (int)HttpMethodKind.Extension
                && (valueLength == 0 || !b.Slice(pos + HeaderPrefixLength, labelLength).SequenceEqual(MethodPseudoLabel)))
                return Fail(out error, WireError.BadField(pos, "mesh.extension_method"));
            pos = next;
        }
        if (count == 0 && method == (int)HttpMethodKind.Extension) return Fail(out error, WireError.BadField(HeaderCountOffset, "mesh.extension_method"));
        if (pos != total) return Fail(out error, WireError.BadField(TotalLengthOffset, "mesh.total_length"));

        view = new MeshHeaderView(b);
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
