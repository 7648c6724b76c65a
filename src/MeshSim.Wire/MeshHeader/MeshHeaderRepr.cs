using System.Text;
using static MeshSim.Wire.MeshHeaderFormat;

namespace MeshSim.Wire;

/// <summary>
/// The meaning of a mesh header as values: for building, emitting, comparing and printing. Strings
/// map to bytes one to one (Latin-1), as HTTP fields do. Emitting allocates nothing; <see cref="Parse"/>
/// allocates the strings (hot paths read a <see cref="MeshHeaderView"/> instead).
/// </summary>
/// <param name="Type">Request or response.</param>
/// <param name="MethodToken">The method token of a request ("GET", or any extension token); empty for responses.</param>
/// <param name="StatusCode">The status code of a response; 0 for requests.</param>
/// <param name="Route">The request target; empty for responses.</param>
/// <param name="Headers">Carried header fields in wire order, labels in canonical lower case; the
/// <c>:method</c> pseudo-header is not listed here (it is implied by <see cref="MethodToken"/>).</param>
public readonly record struct MeshHeaderRepr(
    MeshMessageType Type, string MethodToken, int StatusCode, string Route, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>A request header.</summary>
    public static MeshHeaderRepr Request(string methodToken, string route, params KeyValuePair<string, string>[] headers) =>
        new(MeshMessageType.Request, methodToken, 0, route, headers);

    /// <summary>A response header.</summary>
    public static MeshHeaderRepr Response(int statusCode, params KeyValuePair<string, string>[] headers) =>
        new(MeshMessageType.Response, "", statusCode, "", headers);

    /// <summary>The method code that <see cref="MethodToken"/> maps to.</summary>
    public HttpMethodKind Method => Type == MeshMessageType.Response ? HttpMethodKind.None : HttpMethods.Classify(Encoding.Latin1.GetBytes(MethodToken));

    /// <summary>Reads a validated view. Cannot fail: the view's checks already passed.</summary>
    public static MeshHeaderRepr Parse(MeshHeaderView view)
    {
        var headers = new List<KeyValuePair<string, string>>(view.HeaderCount);
        bool skipPseudo = view.Method == HttpMethodKind.Extension;
        foreach (var field in view.Headers)
        {
            if (skipPseudo) { skipPseudo = false; continue; }
            headers.Add(new(Encoding.Latin1.GetString(field.Label), Encoding.Latin1.GetString(field.Value)));
        }
        return view.Type == MeshMessageType.Request
            ? new(MeshMessageType.Request, Encoding.Latin1.GetString(view.MethodToken), 0, Encoding.Latin1.GetString(view.Route), headers)
            : new(MeshMessageType.Response, "", view.StatusCode, "", headers);
    }

    /// <summary>The number of bytes <see cref="TryEmit"/> writes (for a valid repr).</summary>
    public int BufferLength
    {
        get
        {
            int length = FixedLength + Route.Length;
            if (Type == MeshMessageType.Request && Method == HttpMethodKind.Extension)
                length += FieldEntryLength + MethodPseudoLabel.Length + MethodToken.Length;
            foreach (var h in Headers) length += FieldEntryLength + h.Key.Length + h.Value.Length;
            return length;
        }
    }

    /// <summary>Emits into <paramref name="destination"/>; false with the reason when a field breaks the
    /// format's rules or the destination is too small. Never throws.</summary>
    public bool TryEmit(Span<byte> destination, out int written, out WireError error)
    {
        var w = new MeshHeaderWriter(destination);
        // Latin-1 scratch for one string at a time; strings longer than any field limit are refused by the writer.
        Span<byte> a = stackalloc byte[MaxRouteLength + 1];
        Span<byte> b = stackalloc byte[MaxValueLength + 1];
        if (Type == MeshMessageType.Request)
        {
            if (!TryLatin1(MethodToken, b, out var method) || !TryLatin1(Route, a, out var route))
                return Refused(out written, out error, WireError.BadField(FixedLength, "mesh.route"));
            w.Request(method, route);
        }
        else
        {
            w.Response(StatusCode);
        }
        foreach (var h in Headers)
        {
            if (!TryLatin1(h.Key, a, out var label) || !TryLatin1(h.Value, b, out var value))
                return Refused(out written, out error, WireError.BadField(w.Written, "mesh.header"));
            w.Header(label, value);
        }
        bool ok = w.Finish(out written);
        error = w.Error;
        return ok;
    }

    /// <summary>Emits into a new array. Throws <see cref="ArgumentException"/> for an invalid repr (a programming error in the caller).</summary>
    public byte[] ToBytes()
    {
        var buffer = new byte[Math.Min(BufferLength, MaxTotalLength + 1)];
        if (!TryEmit(buffer, out int n, out var error)) throw new ArgumentException($"invalid mesh header: {error}");
        return buffer[..n];
    }

    /// <summary>Field-by-field equality (header lists compared by content).</summary>
    public bool Equals(MeshHeaderRepr other) =>
        Type == other.Type && MethodToken == other.MethodToken && StatusCode == other.StatusCode && Route == other.Route
        && (Headers ?? []).SequenceEqual(other.Headers ?? []);

    /// <inheritdoc/>
    public override int GetHashCode() => (Type, MethodToken, StatusCode, Route, Headers?.Count ?? 0).GetHashCode();

    /// <summary>e.g. <c>request GET /api/list [host: localhost:8080, accept: application/json]</c>.</summary>
    public override string ToString() =>
        (Type == MeshMessageType.Request ? $"request {MethodToken} {Route}" : $"response {StatusCode}")
        + " [" + string.Join(", ", (Headers ?? []).Select(h => $"{h.Key}: {h.Value}")) + "]";

    private static bool TryLatin1(string? s, Span<byte> scratch, out ReadOnlySpan<byte> bytes)
    {
        s ??= "";
        bytes = default;
        if (s.Length > scratch.Length) return false;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] > 0xFF) return false;
            scratch[i] = (byte)s[i];
        }
        bytes = scratch[..s.Length];
        return true;
    }

    private static bool Refused(out int written, out WireError error, WireError value)
    {
        written = 0;
        error = value;
        return false;
    }
}
