namespace MeshSim.Wire;

/// <summary>The outcome of turning an HTTP head into a mesh header.</summary>
/// <param name="Status">The HTTP parse outcome; Complete also means the mesh header was written.</param>
/// <param name="HttpConsumed">Length of the HTTP head when Complete.</param>
/// <param name="MeshWritten">Length of the mesh header written when Complete.</param>
/// <param name="HttpError">Set when the HTTP head is invalid.</param>
/// <param name="MeshError">Set when the head is valid HTTP but cannot be carried (a limit of the
/// mesh header, such as a 2 KiB route, or a destination that is too small); Status is then Invalid.</param>
public readonly record struct MeshConversionResult(HttpParseStatus Status, int HttpConsumed, int MeshWritten, HttpParseError HttpError, WireError MeshError)
{
    /// <summary>"ok", or the error in words.</summary>
    public override string ToString() => Status switch
    {
        HttpParseStatus.Complete => $"ok: {HttpConsumed} HTTP bytes -> {MeshWritten} mesh bytes",
        HttpParseStatus.NeedMoreData => "need more data",
        _ => HttpError.IsNone ? $"cannot carry in a mesh header: {MeshError}" : HttpError.ToString(),
    };
}

/// <summary>Whether a byte stream starts with a mesh header (see <see cref="MeshHttpConverter.Detect"/>).</summary>
public enum MeshPrefixStatus : byte
{
    /// <summary>Too few bytes to tell, or a mesh header that has not fully arrived.</summary>
    NeedMoreData,
    /// <summary>The stream does not start with a mesh header: plain HTTP (or anything else).</summary>
    Absent,
    /// <summary>A valid mesh header; strip <see cref="MeshHeaderView.TotalLength"/> bytes to reach the HTTP message.</summary>
    Present,
    /// <summary>The stream starts with the mesh magic but the header is invalid.</summary>
    Invalid,
}

/// <summary>
/// Conversion both ways between HTTP/1.1 message heads and mesh headers, allocation-free. A client
/// sends <c>mesh header + HTTP message</c>; a server calls <see cref="Detect"/> on its receive buffer,
/// strips a present mesh header and parses the HTTP that follows, so it accepts both forms.
/// </summary>
public static class MeshHttpConverter
{
    /// <summary>Parses a request head and writes the matching mesh header: method, route (the request
    /// target as sent), and the <paramref name="carried"/> fields in arrival order, names lower-cased.</summary>
    public static MeshConversionResult RequestToMesh(ReadOnlySpan<byte> httpHead, MeshCarriedHeaders carried, Span<byte> destination, HttpParserOptions options = default)
    {
        var sink = new ConversionSink(destination, carried);
        var r = HttpHeadParser.ParseRequest(httpHead, ref sink, options);
        return Finish(r, ref sink);
    }

    /// <summary>Parses a response head and writes the matching mesh header: status and the carried fields.</summary>
    public static MeshConversionResult ResponseToMesh(ReadOnlySpan<byte> httpHead, MeshCarriedHeaders carried, Span<byte> destination, HttpParserOptions options = default)
    {
        var sink = new ConversionSink(destination, carried);
        var r = HttpHeadParser.ParseResponse(httpHead, ref sink, options);
        return Finish(r, ref sink);
    }

    /// <summary>
    /// What a mesh-aware sender puts on the wire: the mesh header for the HTTP message at the start of
    /// <paramref name="httpMessage"/> (a request or a response, told apart by its first bytes),
    /// followed by all of <paramref name="httpMessage"/> unchanged (head and any body bytes).
    /// On success <see cref="MeshConversionResult.MeshWritten"/> is the mesh header's length and the
    /// whole output is <c>MeshWritten + httpMessage.Length</c> bytes.
    /// </summary>
    public static MeshConversionResult Prefix(ReadOnlySpan<byte> httpMessage, MeshCarriedHeaders carried, Span<byte> destination, HttpParserOptions options = default)
    {
        var r = httpMessage.StartsWith("HTTP/"u8)
            ? ResponseToMesh(httpMessage, carried, destination, options)
            : RequestToMesh(httpMessage, carried, destination, options);
        if (r.Status != HttpParseStatus.Complete) return r;
        if (destination.Length - r.MeshWritten < httpMessage.Length)
            return new(HttpParseStatus.Invalid, 0, 0, default,
                       WireError.Truncated(r.MeshWritten, httpMessage.Length, destination.Length - r.MeshWritten, "mesh.destination"));
        httpMessage.CopyTo(destination[r.MeshWritten..]);
        return r;
    }

    /// <summary>
    /// Writes the HTTP/1.1 head a mesh header describes: request line (method token, route,
    /// HTTP/1.1) or status line (code, standard reason), then each carried field (lower-case names,
    /// which HTTP treats as equal to any other case), then the blank line. The writer validates every
    /// byte, so a mesh header that passed only the structural parse cannot inject lines.
    /// </summary>
    public static bool TryWriteHttp(MeshHeaderView mesh, Span<byte> destination, out int written, out HttpWriteError error)
    {
        var w = new HttpHeadWriter(destination);
        bool skipPseudo = false;
        if (mesh.Type == MeshMessageType.Request)
        {
            w.RequestLine(mesh.MethodToken, mesh.Route);
            skipPseudo = mesh.Method == HttpMethodKind.Extension;
        }
        else
        {
            w.StatusLine(mesh.StatusCode);
        }
        foreach (var field in mesh.Headers)
        {
            if (skipPseudo) { skipPseudo = false; continue; }
            w.Header(field.Label, field.Value);
        }
        w.End();
        written = w.Written;
        error = w.Error;
        return w.IsComplete;
    }

    /// <summary>Looks at the start of a receive buffer: a mesh header (then <paramref name="mesh"/> is
    /// it, strictly validated), plain HTTP, not enough bytes yet, or an invalid mesh header.</summary>
    public static MeshPrefixStatus Detect(ReadOnlySpan<byte> stream, out MeshHeaderView mesh, out WireError error)
    {
        mesh = default;
        error = default;
        if (stream.IsEmpty) return MeshPrefixStatus.NeedMoreData;
        if (stream[0] != MeshHeaderFormat.Magic0) return MeshPrefixStatus.Absent;
        if (stream.Length == 1) return MeshPrefixStatus.NeedMoreData;
        if (stream[1] != MeshHeaderFormat.Magic1) return MeshPrefixStatus.Absent;
        if (stream.Length == 2) return MeshPrefixStatus.NeedMoreData;
        if (!MeshHeaderView.StartsWithMagic(stream)) return MeshPrefixStatus.Absent;
        if (MeshHeaderView.TryParseStrict(stream, out mesh, out error)) return MeshPrefixStatus.Present;
        return error.Kind == WireErrorKind.Truncated && error.Offset == 0 ? MeshPrefixStatus.NeedMoreData : MeshPrefixStatus.Invalid;
    }

    private static MeshConversionResult Finish(HttpHeadResult r, ref ConversionSink sink)
    {
        if (r.Status != HttpParseStatus.Complete) return new(r.Status, 0, 0, r.Error, default);
        if (!sink.Writer.Finish(out int written) || sink.Writer.Written == 0)
            return new(HttpParseStatus.Invalid, 0, 0, default, sink.Writer.Error);
        return new(HttpParseStatus.Complete, r.Consumed, written, default, default);
    }

    private ref struct ConversionSink(Span<byte> destination, MeshCarriedHeaders carried) : IHttpHeadSink
    {
        public MeshHeaderWriter Writer = new(destination);

        public void OnRequestLine(HttpMethodKind method, ReadOnlySpan<byte> methodToken, ReadOnlySpan<byte> target, HttpVersionKind version) =>
            Writer.Request(methodToken, target);

        public void OnStatusLine(HttpVersionKind version, int statusCode, ReadOnlySpan<byte> reason) =>
            Writer.Response(statusCode);

        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
        {
            if (carried.Carries(name)) Writer.Header(name, value);
        }
    }
}
