namespace MeshSim.Wire;

/// <summary>
/// Receives the parts of an HTTP/1.1 head as <see cref="HttpHeadParser"/> finds them. Pass a struct
/// (or ref struct) so the calls are devirtualised. The spans are valid only during the call.
/// </summary>
/// <remarks>
/// The sink is called only when the head is known to be complete in the input (never for
/// <see cref="HttpParseStatus.NeedMoreData"/>). On <see cref="HttpParseStatus.Invalid"/> it may already
/// have seen the lines before the bad one: discard what it collected.
/// </remarks>
public interface IHttpHeadSink
{
    /// <summary>A request line. <paramref name="methodToken"/> is the exact token (useful for <see cref="HttpMethodKind.Extension"/>).</summary>
    void OnRequestLine(HttpMethodKind method, ReadOnlySpan<byte> methodToken, ReadOnlySpan<byte> target, HttpVersionKind version);

    /// <summary>A status line. <paramref name="reason"/> may be empty.</summary>
    void OnStatusLine(HttpVersionKind version, int statusCode, ReadOnlySpan<byte> reason);

    /// <summary>One header field, name as sent (case preserved), value without surrounding whitespace.</summary>
    void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value);
}

/// <summary>A sink that ignores everything: validation only.</summary>
public struct NullHttpHeadSink : IHttpHeadSink
{
    /// <inheritdoc/>
    public readonly void OnRequestLine(HttpMethodKind method, ReadOnlySpan<byte> methodToken, ReadOnlySpan<byte> target, HttpVersionKind version) { }
    /// <inheritdoc/>
    public readonly void OnStatusLine(HttpVersionKind version, int statusCode, ReadOnlySpan<byte> reason) { }
    /// <inheritdoc/>
    public readonly void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) { }
}
