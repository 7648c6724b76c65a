using System.Text;

namespace MeshSim.Wire;

/// <summary>
/// A parsed HTTP/1.1 head as .NET objects, for application code (simulated clients, servers, tests)
/// where a few allocations per message are fine. Hot paths use <see cref="HttpHeadParser"/> with a
/// struct sink instead. Bytes map to chars one to one (Latin-1), so nothing is lost.
/// </summary>
public sealed class HttpHead
{
    private HttpHead(bool isRequest) => IsRequest = isRequest;

    /// <summary>True for a request head, false for a response head.</summary>
    public bool IsRequest { get; }
    /// <summary>The method code (requests).</summary>
    public HttpMethodKind Method { get; init; }
    /// <summary>The exact method token (requests), e.g. "GET" or an extension token.</summary>
    public string MethodToken { get; init; } = "";
    /// <summary>The request target (requests), e.g. "/api/list?x=1".</summary>
    public string Target { get; init; } = "";
    /// <summary>HTTP/1.1 or HTTP/1.0.</summary>
    public HttpVersionKind Version { get; init; }
    /// <summary>The status code (responses).</summary>
    public int StatusCode { get; init; }
    /// <summary>The reason phrase (responses), possibly empty.</summary>
    public string Reason { get; init; } = "";
    /// <summary>Header fields in arrival order, names as sent.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>A request head.</summary>
    public static HttpHead Request(string method, string target, IEnumerable<KeyValuePair<string, string>>? headers = null, HttpVersionKind version = HttpVersionKind.Http11) =>
        new(true)
        {
            Method = HttpMethods.Classify(Encoding.Latin1.GetBytes(method)),
            MethodToken = method,
            Target = target,
            Version = version,
            Headers = headers?.ToArray() ?? [],
        };

    /// <summary>A response head; the reason defaults to the standard phrase.</summary>
    public static HttpHead Response(int statusCode, IEnumerable<KeyValuePair<string, string>>? headers = null, string? reason = null, HttpVersionKind version = HttpVersionKind.Http11) =>
        new(false)
        {
            StatusCode = statusCode,
            Reason = reason ?? Encoding.Latin1.GetString(HttpStatusReasons.Phrase(statusCode)),
            Version = version,
            Headers = headers?.ToArray() ?? [],
        };

    /// <summary>The first value of a header, compared case-insensitively, or null.</summary>
    public string? Get(string name)
    {
        foreach (var h in Headers)
            if (string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)) return h.Value;
        return null;
    }

    /// <summary>Parses a request head; <paramref name="head"/> is set only when Complete.</summary>
    public static HttpHeadResult ParseRequest(ReadOnlySpan<byte> input, out HttpHead? head, HttpParserOptions options = default)
    {
        var collector = new Collector(new List<KeyValuePair<string, string>>());
        var result = HttpHeadParser.ParseRequest(input, ref collector, options);
        head = result.Status == HttpParseStatus.Complete ? collector.Build(isRequest: true) : null;
        return result;
    }

    /// <summary>Parses a response head; <paramref name="head"/> is set only when Complete.</summary>
    public static HttpHeadResult ParseResponse(ReadOnlySpan<byte> input, out HttpHead? head, HttpParserOptions options = default)
    {
        var collector = new Collector(new List<KeyValuePair<string, string>>());
        var result = HttpHeadParser.ParseResponse(input, ref collector, options);
        head = result.Status == HttpParseStatus.Complete ? collector.Build(isRequest: false) : null;
        return result;
    }

    /// <summary>Writes the head; false (with the reason) when a field is invalid or the span too small.</summary>
    public bool TryWrite(Span<byte> destination, out int written, out HttpWriteError error)
    {
        var w = new HttpHeadWriter(destination);
        if (IsRequest) w.RequestLine(Encoding.Latin1.GetBytes(MethodToken), Encoding.Latin1.GetBytes(Target), Version);
        else w.StatusLine(StatusCode, Encoding.Latin1.GetBytes(Reason), Version);
        foreach (var h in Headers) w.Header(h.Key, h.Value);
        w.End();
        written = w.Written;
        error = w.Error;
        return w.IsComplete;
    }

    /// <summary>The head as bytes. Throws <see cref="InvalidOperationException"/> if a field cannot be written (a programming error).</summary>
    public byte[] ToBytes()
    {
        int size = 64 + MethodToken.Length + Target.Length + Reason.Length;
        foreach (var h in Headers) size += h.Key.Length + h.Value.Length + 4;
        var buffer = new byte[size];
        if (!TryWrite(buffer, out int n, out var error)) throw new InvalidOperationException($"cannot write HTTP head: {error}");
        return buffer[..n];
    }

    /// <summary>The head as text (CRLF line ends).</summary>
    public override string ToString() => Encoding.Latin1.GetString(ToBytes());

    private struct Collector(List<KeyValuePair<string, string>> headers) : IHttpHeadSink
    {
        private HttpMethodKind _method;
        private string _methodToken = "", _target = "", _reason = "";
        private HttpVersionKind _version;
        private int _status;

        public void OnRequestLine(HttpMethodKind method, ReadOnlySpan<byte> methodToken, ReadOnlySpan<byte> target, HttpVersionKind version)
        {
            _method = method;
            _methodToken = Encoding.Latin1.GetString(methodToken);
            _target = Encoding.Latin1.GetString(target);
            _version = version;
        }

        public void OnStatusLine(HttpVersionKind version, int statusCode, ReadOnlySpan<byte> reason)
        {
            _version = version;
            _status = statusCode;
            _reason = Encoding.Latin1.GetString(reason);
        }

        public readonly void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
            headers.Add(new(Encoding.Latin1.GetString(name), Encoding.Latin1.GetString(value)));

        public readonly HttpHead Build(bool isRequest) => new(isRequest)
        {
            Method = _method, MethodToken = _methodToken, Target = _target, Version = _version,
            StatusCode = _status, Reason = _reason, Headers = headers,
        };
    }
}
