using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;
using MeshSim.Wire;

namespace MeshSim.Stack.Apps.Http;

/// <summary>Why an HTTP exchange failed at the protocol level.</summary>
public sealed class HttpFramingException(string message) : Exception(message);

/// <summary>
/// HTTP/1.1 message framing over one TCP connection (RFC 9112): heads are parsed with the Wire
/// layer's split-safe parser, bodies are delimited by Content-Length. Chunked transfer coding is
/// refused with a clear error (the HashiCups models never send it). Bytes that arrive beyond one
/// message stay buffered for the next, so pipelined or split messages work.
/// Every message may start with a mesh header (docs/mesh-header.md): received ones are validated,
/// counted and stripped, so a server accepts both forms; with <see cref="SendMesh"/> set, every
/// message sent is prefixed with one carrying the configured fields. A server answers in the form
/// it was asked in.
/// </summary>
public sealed class HttpConnection
{
    private byte[] _buf = new byte[4096];
    private int _start, _end;

    /// <summary>Wraps an established socket.</summary>
    public HttpConnection(TcpSocket socket, HttpParserOptions parserOptions = default)
    {
        Socket = socket;
        ParserOptions = parserOptions;
    }

    /// <summary>The underlying connection.</summary>
    public TcpSocket Socket { get; }
    /// <summary>Head-parser strictness and limits.</summary>
    public HttpParserOptions ParserOptions { get; }
    /// <summary>Requests or responses whose head used bare LF line ends (accepted only when lenient).</summary>
    public long BareLineFeedMessages { get; private set; }
    /// <summary>When set, every message sent starts with a mesh header carrying these fields.</summary>
    public MeshCarriedHeaders? SendMesh { get; set; }
    /// <summary>Messages received with a mesh header in front.</summary>
    public long MeshHeadersReceived { get; private set; }

    /// <summary>Reads the next request; null when the peer closed cleanly between requests.</summary>
    public async SimTask<HttpRequest?> ReadRequestAsync()
    {
        var head = await ReadHeadAsync(isRequest: true);
        if (head is null) return null;
        var body = await ReadBodyAsync(head);
        return new HttpRequest(head.MethodToken, head.Target, head.Headers, body);
    }

    /// <summary>Reads the next response; throws when the peer closes before a whole one arrived.</summary>
    public async SimTask<HttpResponse> ReadResponseAsync()
    {
        var head = await ReadHeadAsync(isRequest: false) ?? throw new HttpFramingException("connection closed before a response arrived");
        var body = await ReadBodyAsync(head);
        return new HttpResponse(head.StatusCode, head.Headers, body);
    }

    /// <summary>Writes a request with Content-Length framing and a Host header.</summary>
    public SimTask WriteRequestAsync(HttpRequest request, string host)
    {
        if (!HttpHeaders.IsToken(request.Method)) throw new ArgumentException($"'{request.Method}' is not a valid HTTP method token");
        var headers = new List<KeyValuePair<string, string>>();
        if (HttpHeaders.Find(request.Headers, "Host") is null) headers.Add(new("Host", host));
        headers.AddRange(HttpHeaders.WithoutFraming(request.Headers));
        if (request.Body.Length > 0 || request.Method is "POST" or "PUT" or "PATCH")
            headers.Add(new("Content-Length", request.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return WriteMessageAsync(HttpHead.Request(request.Method, request.Path, headers), request.Body);
    }

    /// <summary>Writes a response with Content-Length framing.</summary>
    public SimTask WriteResponseAsync(HttpResponse response)
    {
        var headers = new List<KeyValuePair<string, string>>(HttpHeaders.WithoutFraming(response.Headers))
        {
            new("Content-Length", response.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        return WriteMessageAsync(HttpHead.Response(response.Status, headers), response.Body);
    }

    private SimTask WriteMessageAsync(HttpHead head, byte[] body)
    {
        var headBytes = head.ToBytes();
        var message = new byte[headBytes.Length + body.Length];
        headBytes.CopyTo(message, 0);
        body.CopyTo(message, headBytes.Length);
        if (SendMesh is { } carried)
        {
            var prefixed = new byte[message.Length + MeshHeaderFormat.MaxTotalLength];
            var r = MeshHttpConverter.Prefix(message, carried, prefixed, ParserOptions);
            if (r.Status != HttpParseStatus.Complete) throw new HttpFramingException($"cannot build the mesh header: {r}");
            message = prefixed[..(r.MeshWritten + message.Length)];
        }
        return Socket.SendAsync(message);      // one write: head and body leave in as few segments as possible
    }

    private async SimTask<HttpHead?> ReadHeadAsync(bool isRequest)
    {
        while (true)
        {
            if (_end > _start)
            {
                var input = _buf.AsSpan(_start, _end - _start);
                switch (MeshHttpConverter.Detect(input, out var mesh, out var meshError))
                {
                    case MeshPrefixStatus.NeedMoreData:
                        if (!await FillAsync()) throw new HttpFramingException($"connection closed in the middle of a mesh header ({_end - _start} bytes buffered)");
                        continue;
                    case MeshPrefixStatus.Invalid:
                        throw new HttpFramingException($"bad mesh header from {Socket.RemoteAddress}:{Socket.RemotePort}: {meshError}");
                    case MeshPrefixStatus.Present:
                        _start += mesh.TotalLength;
                        MeshHeadersReceived++;
                        if (isRequest) SendMesh ??= MeshCarriedHeaders.Default;   // answer in the form we were asked in
                        continue;
                }
                var result = isRequest ? HttpHead.ParseRequest(input, out var head, ParserOptions)
                                       : HttpHead.ParseResponse(input, out head, ParserOptions);
                if (result.Status == HttpParseStatus.Complete)
                {
                    _start += result.Consumed;
                    if (result.BareLineFeeds > 0) BareLineFeedMessages++;
                    return head;
                }
                if (result.Status == HttpParseStatus.Invalid)
                    throw new HttpFramingException($"bad HTTP {(isRequest ? "request" : "response")} from {Socket.RemoteAddress}:{Socket.RemotePort}: {result.Error}");
            }
            if (!await FillAsync())
            {
                if (_end == _start) return null;
                throw new HttpFramingException($"connection closed in the middle of an HTTP head ({_end - _start} bytes buffered)");
            }
        }
    }

    private async SimTask<byte[]> ReadBodyAsync(HttpHead head)
    {
        if (head.Get("Transfer-Encoding") is { } te)
            throw new HttpFramingException($"Transfer-Encoding '{te}' is not supported (expected Content-Length framing)");
        long length = 0;
        if (head.Get("Content-Length") is { } cl &&
            (!long.TryParse(cl, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out length) || length > 64 * 1024 * 1024))
            throw new HttpFramingException($"bad Content-Length '{cl}' (expected decimal digits, at most 64 MiB)");
        var body = new byte[length];
        int got = 0;
        while (got < length)
        {
            if (_end == _start && !await FillAsync())
                throw new HttpFramingException($"connection closed after {got} of {length} body bytes");
            int n = (int)Math.Min(length - got, _end - _start);
            _buf.AsSpan(_start, n).CopyTo(body.AsSpan(got));
            _start += n; got += n;
        }
        return body;
    }

    /// <summary>Discards whatever arrives until the peer closes its side.</summary>
    public async SimTask ReadToEndAsync()
    {
        _start = _end = 0;
        while (await FillAsync()) _start = _end = 0;
    }

    /// <summary>Reads more bytes from the socket; false at end of stream.</summary>
    private async SimTask<bool> FillAsync()
    {
        if (_start > 0 && _start == _end) { _start = _end = 0; }
        if (_end == _buf.Length)
        {
            if (_start > 0) { Array.Copy(_buf, _start, _buf, 0, _end - _start); _end -= _start; _start = 0; }
            else Array.Resize(ref _buf, _buf.Length * 2);
        }
        int n = await Socket.ReceiveAsync(_buf.AsMemory(_end));
        _end += n;
        return n > 0;
    }
}
