using System.Buffers.Binary;
using static MeshSim.Wire.MeshHeaderFormat;

namespace MeshSim.Wire;

/// <summary>
/// Emits a mesh header into a span without allocating: <see cref="Request(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>
/// or <see cref="Response"/>, then <see cref="Header"/> per carried field, then <see cref="Finish"/>, which
/// fills in the header count and total length. Each field's table entry goes before the route, so
/// adding a field moves the route and the fields already written three bytes on (a few hundred bytes
/// at most; the destination never needs more room than the final header). Everything written is checked against the limits and
/// the canonical form (labels are lower-cased while copying), so the output always passes
/// <see cref="MeshHeaderView.TryParseStrict"/>. A refused call returns false and keeps the first
/// reason in <see cref="Error"/> (offsets are into the destination); later calls return false too.
/// </summary>
public ref struct MeshHeaderWriter
{
    private readonly Span<byte> _d;
    private int _pos;
    private int _count;
    private bool _started;
    private bool _finished;

    /// <summary>Writes from the start of <paramref name="destination"/>. Stale bytes in it do not matter.</summary>
    public MeshHeaderWriter(Span<byte> destination)
    {
        _d = destination;
        _pos = 0;
        _count = 0;
        _started = false;
        _finished = false;
        Error = default;
    }

    /// <summary>The first refusal, or the "none" value.</summary>
    public WireError Error { get; private set; }

    /// <summary>Bytes written so far (the total length after <see cref="Finish"/>).</summary>
    public readonly int Written => _pos;

    /// <summary>Starts a request header for a method token; a token other than the nine known methods is
    /// written as <see cref="HttpMethodKind.Extension"/> plus a first <c>:method</c> header.</summary>
    public bool Request(scoped ReadOnlySpan<byte> methodToken, scoped ReadOnlySpan<byte> route)
    {
        if (!HttpMethods.IsToken(methodToken)) return Refuse(WireError.BadField(CodesOffset, "mesh.method"));
        var kind = HttpMethods.Classify(methodToken);
        if (!Start(MeshMessageType.Request, kind, 0, route)) return false;
        return kind != HttpMethodKind.Extension || Field(MethodPseudoLabel, methodToken, lowerCase: false);
    }

    /// <summary>Starts a request header for a known method (not <see cref="HttpMethodKind.Extension"/>: pass its token instead).</summary>
    public bool Request(HttpMethodKind method, scoped ReadOnlySpan<byte> route)
    {
        var token = HttpMethods.Token(method);
        return token.IsEmpty ? Refuse(WireError.BadField(CodesOffset, "mesh.method")) : Start(MeshMessageType.Request, method, 0, route);
    }

    /// <summary>Starts a response header.</summary>
    public bool Response(int statusCode) =>
        statusCode is < MinStatusCode or > MaxStatusCode
            ? Refuse(WireError.BadField(CodesOffset, "mesh.status"))
            : Start(MeshMessageType.Response, HttpMethodKind.None, statusCode, default);

    /// <summary>Adds a header; the name is lower-cased on the way (HTTP names are case-insensitive).</summary>
    public bool Header(scoped ReadOnlySpan<byte> name, scoped ReadOnlySpan<byte> value) => Field(name, value, lowerCase: true);

    /// <summary>Fills in header count and total length. <paramref name="written"/> is the header's length.</summary>
    public bool Finish(out int written)
    {
        written = 0;
        if (!Error.IsNone) return false;
        if (!_started || _finished) return Refuse(WireError.BadField(0, "mesh.writer_order"));
        if (_pos > MaxTotalLength) return Refuse(WireError.BadField(TotalLengthOffset, "mesh.total_length"));
        _d[HeaderCountOffset] = (byte)_count;
        BinaryPrimitives.WriteUInt16BigEndian(_d[TotalLengthOffset..], (ushort)_pos);
        _finished = true;
        written = _pos;
        return true;
    }

    private bool Start(MeshMessageType type, HttpMethodKind method, int status, scoped ReadOnlySpan<byte> route)
    {
        if (!Error.IsNone) return false;
        if (_started) return Refuse(WireError.BadField(0, "mesh.writer_order"));
        if (type == MeshMessageType.Request
            && (route.IsEmpty || route.Length > MaxRouteLength || route.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7E) >= 0))
            return Refuse(WireError.BadField(FixedLength, "mesh.route"));
        // No fields yet, so the (empty) field table ends at the fixed part and the route follows.
        if (!Fits(FixedLength + route.Length)) return false;
        _d[0] = Magic0;
        _d[1] = Magic1;
        _d[VersionOffset] = CurrentVersion;
        _d[HeaderCountOffset] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(_d[TotalLengthOffset..], 0);
        ushort codes = (ushort)(((int)type << TypeShift) | ((int)method << MethodShift) | (status << StatusShift));
        BinaryPrimitives.WriteUInt16BigEndian(_d[CodesOffset..], codes);
        BinaryPrimitives.WriteUInt16BigEndian(_d[RouteLengthOffset..], (ushort)route.Length);
        route.CopyTo(_d[FixedLength..]);
        _pos = FixedLength + route.Length;
        _started = true;
        return true;
    }

    private bool Field(scoped ReadOnlySpan<byte> label, scoped ReadOnlySpan<byte> value, bool lowerCase)
    {
        if (!Error.IsNone) return false;
        if (!_started || _finished) return Refuse(WireError.BadField(0, "mesh.writer_order"));
        if (_count == MaxHeaderCount) return Refuse(WireError.BadField(HeaderCountOffset, "mesh.header_count"));
        // Offsets in refusals are where the label and value would have landed.
        int labelAt = _pos + FieldEntryLength;
        if (label.IsEmpty || label.Length > MaxLabelLength || (lowerCase && !HttpMethods.IsToken(label)))
            return Refuse(WireError.BadField(labelAt, "mesh.label"));
        if (value.Length > MaxValueLength || !MeshLabels.IsValidValue(value))
            return Refuse(WireError.BadField(labelAt + label.Length, "mesh.value"));
        if (!Fits(FieldEntryLength + label.Length + value.Length)) return false;
        // Open a table entry at the end of the table: the route and earlier fields move on (overlapping copy).
        int entry = FieldTableOffset + FieldEntryLength * _count;
        _d[entry.._pos].CopyTo(_d[(entry + FieldEntryLength)..]);
        _d[entry] = (byte)label.Length;
        BinaryPrimitives.WriteUInt16BigEndian(_d[(entry + 1)..], (ushort)value.Length);
        var labelDestination = _d.Slice(labelAt, label.Length);
        if (lowerCase) MeshLabels.ToLower(label, labelDestination);
        else label.CopyTo(labelDestination);
        value.CopyTo(_d[(labelAt + label.Length)..]);
        _pos = labelAt + label.Length + value.Length;
        _count++;
        return true;
    }

    private bool Fits(int length) =>
        _d.Length - _pos >= length || Refuse(WireError.Truncated(_pos, length, _d.Length - _pos, "mesh.destination"));

    private bool Refuse(WireError error)
    {
        if (Error.IsNone) Error = error;
        return false;
    }
}
