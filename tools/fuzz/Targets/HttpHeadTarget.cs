using MeshSim.Wire;

namespace MeshSim.Fuzz.Targets;

/// <summary>HTTP/1.1 request and response heads (the Kestrel-style parser) and their conversion into
/// mesh headers. Outcomes are complete, need-more-data or a positioned error; nothing may throw.</summary>
public sealed class HttpHeadTarget : FuzzTarget
{
    private readonly byte[] _out = new byte[1 << 17];

    /// <inheritdoc/>
    public override string Name => "http";
    /// <inheritdoc/>
    public override string Description => "HTTP/1.1 heads (request, response, prefix conversion to a mesh header)";

    /// <inheritdoc/>
    public override IEnumerable<byte[]> Seeds(RepoFiles repo)
    {
        yield return "GET /api/products HTTP/1.1\r\nHost: public-api\r\nX-Request-Id: 42\r\n\r\n"u8.ToArray();
        yield return "POST /pay HTTP/1.1\r\nHost: payments\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"u8.ToArray();
        yield return "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"u8.ToArray();
        yield return "HTTP/1.0 503 Service Unavailable\r\n\r\n"u8.ToArray();
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Dictionary =>
        ["\r\n", "\n", ": ", "GET ", "POST ", "HTTP/1.1", "HTTP/1.0", "HTTP/2", "Host: ", "Content-Length: ", "Transfer-Encoding: chunked", "\t", " ", "\0", "\x7f", "%00", "99999999999999999999"];

    /// <inheritdoc/>
    public override string Run(byte[] input)
    {
        var sink = default(NullHttpHeadSink);
        var req = HttpHeadParser.ParseRequest(input, ref sink);
        var resp = HttpHeadParser.ParseResponse(input, ref sink);
        var a = MeshHttpConverter.RequestToMesh(input, MeshCarriedHeaders.All, _out);
        var b = MeshHttpConverter.ResponseToMesh(input, MeshCarriedHeaders.Default, _out);
        var c = MeshHttpConverter.Prefix(input, MeshCarriedHeaders.Default, _out);
        if (a.Status == HttpParseStatus.Complete && (a.MeshWritten > _out.Length || !MeshHeaderView.TryParse(_out.AsSpan(0, a.MeshWritten), out _, out _)))
            throw new InvalidOperationException("a converted request is not a valid mesh header");
        return $"{req.Status} {resp.Status} {c.Status} {a.Status} {b.Status}";
    }
}
