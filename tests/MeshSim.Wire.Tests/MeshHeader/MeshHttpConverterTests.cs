using System.Text;
using MeshSim.Wire;
using MeshSim.Wire.Tests.Http;

namespace MeshSim.Wire.Tests.MeshHeader;

public class MeshHttpConverterTests
{
    private const string ThesisRequest =
        "GET /api/list HTTP/1.1\r\nHost: localhost:8080\r\nConnection: keep-alive\r\nAccept: application/json\r\n\r\n";
    private const string ThesisResponse =
        "HTTP/1.1 200 OK\r\nHost: localhost:8080\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nContent-Length: 722\r\n\r\n";

    [Fact]
    public void Thesis_request_converts_to_the_pinned_vector()
    {
        var buffer = new byte[256];
        var r = MeshHttpConverter.RequestToMesh(Latin1.Bytes(ThesisRequest + "body"), MeshCarriedHeaders.All, buffer);
        Assert.Equal(HttpParseStatus.Complete, r.Status);
        Assert.Equal(ThesisRequest.Length, r.HttpConsumed);
        Assert.Equal(MeshHeaderVectors.All[0].Hex, Convert.ToHexString(buffer, 0, r.MeshWritten).ToLowerInvariant());
    }

    [Fact]
    public void Thesis_response_converts_to_the_pinned_vector()
    {
        var buffer = new byte[256];
        var r = MeshHttpConverter.ResponseToMesh(Latin1.Bytes(ThesisResponse), MeshCarriedHeaders.All, buffer);
        Assert.Equal(HttpParseStatus.Complete, r.Status);
        Assert.Equal(MeshHeaderVectors.All[1].Hex, Convert.ToHexString(buffer, 0, r.MeshWritten).ToLowerInvariant());
    }

    [Fact]
    public void Only_configured_headers_are_carried_in_arrival_order()
    {
        var buffer = new byte[256];
        var carried = MeshCarriedHeaders.Of("ACCEPT", "host");
        var r = MeshHttpConverter.RequestToMesh(Latin1.Bytes(ThesisRequest), carried, buffer);
        Assert.True(MeshHeaderView.TryParseStrict(buffer.AsSpan(0, r.MeshWritten), out var v, out _));
        Assert.Equal(MeshHeaderRepr.Request("GET", "/api/list", new("host", "localhost:8080"), new("accept", "application/json")),
            MeshHeaderRepr.Parse(v));
    }

    [Fact]
    public void Mesh_header_converts_back_to_an_http_head()
    {
        var bytes = Convert.FromHexString(MeshHeaderVectors.All[0].Hex);
        Assert.True(MeshHeaderView.TryParseStrict(bytes, out var v, out _));
        var buffer = new byte[256];
        Assert.True(MeshHttpConverter.TryWriteHttp(v, buffer, out int n, out _));
        Assert.Equal("GET /api/list HTTP/1.1\r\nhost: localhost:8080\r\nconnection: keep-alive\r\naccept: application/json\r\n\r\n",
            Encoding.ASCII.GetString(buffer, 0, n));
    }

    [Fact]
    public void Extension_method_and_response_convert_back()
    {
        var buffer = new byte[256];
        Assert.True(MeshHeaderView.TryParse(Convert.FromHexString(MeshHeaderVectors.All[7].Hex), out var ext, out _));
        Assert.True(MeshHttpConverter.TryWriteHttp(ext, buffer, out int n, out _));
        Assert.Equal("PURGE /cache/menu HTTP/1.1\r\nhost: cache\r\n\r\n", Encoding.ASCII.GetString(buffer, 0, n));

        Assert.True(MeshHeaderView.TryParse(Convert.FromHexString(MeshHeaderVectors.All[10].Hex), out var resp, out _));
        Assert.True(MeshHttpConverter.TryWriteHttp(resp, buffer, out n, out _));
        Assert.Equal("HTTP/1.1 503 Service Unavailable\r\nretry-after: 5\r\n\r\n", Encoding.ASCII.GetString(buffer, 0, n));
    }

    [Fact]
    public void Structurally_valid_header_with_crlf_in_a_value_cannot_inject_http_lines()
    {
        var bytes = Convert.FromHexString(MeshHeaderVectors.All[10].Hex); // retry-after: 5
        bytes[^1] = (byte)'\n';
        Assert.True(MeshHeaderView.TryParse(bytes, out var v, out _));
        Assert.False(MeshHttpConverter.TryWriteHttp(v, new byte[256], out _, out var error));
        Assert.Equal(HttpWriteError.InvalidHeaderValue, error);
    }

    [Fact]
    public void Http_that_the_mesh_header_cannot_carry_is_reported()
    {
        var longRoute = "GET /" + new string('a', 3000) + " HTTP/1.1\r\n\r\n";
        var r = MeshHttpConverter.RequestToMesh(Latin1.Bytes(longRoute), MeshCarriedHeaders.All, new byte[8192]);
        Assert.Equal(HttpParseStatus.Invalid, r.Status);
        Assert.True(r.HttpError.IsNone);
        Assert.Equal("mesh.route", r.MeshError.Field);

        var r2 = MeshHttpConverter.RequestToMesh(Latin1.Bytes(ThesisRequest), MeshCarriedHeaders.All, new byte[20]);
        Assert.Equal(WireErrorKind.Truncated, r2.MeshError.Kind);

        var r3 = MeshHttpConverter.RequestToMesh(Latin1.Bytes(ThesisRequest[..30]), MeshCarriedHeaders.All, new byte[256]);
        Assert.Equal(HttpParseStatus.NeedMoreData, r3.Status);

        var r4 = MeshHttpConverter.RequestToMesh(Latin1.Bytes("GET / HTTP/1.1\r\nA : b\r\n\r\n"), MeshCarriedHeaders.All, new byte[256]);
        Assert.Equal(HttpParseErrorKind.WhitespaceBeforeColon, r4.HttpError.Kind);
    }

    [Fact]
    public void Detect_tells_mesh_from_plain_http_at_every_prefix()
    {
        var mesh = Convert.FromHexString(MeshHeaderVectors.All[0].Hex);
        var stream = mesh.Concat(Latin1.Bytes(ThesisRequest)).ToArray();
        for (int cut = 0; cut < mesh.Length; cut++)
            Assert.Equal(MeshPrefixStatus.NeedMoreData, MeshHttpConverter.Detect(stream.AsSpan(0, cut), out _, out _));
        Assert.Equal(MeshPrefixStatus.Present, MeshHttpConverter.Detect(stream, out var v, out _));
        Assert.Equal(mesh.Length, v.TotalLength);
        var sink = new RecordingSink();
        Assert.Equal(HttpParseStatus.Complete, HttpHeadParser.ParseRequest(stream.AsSpan(v.TotalLength), ref sink).Status);

        Assert.Equal(MeshPrefixStatus.Absent, MeshHttpConverter.Detect(Latin1.Bytes(ThesisRequest), out _, out _));
        Assert.Equal(MeshPrefixStatus.Absent, MeshHttpConverter.Detect(Latin1.Bytes("MOVE /a HTTP/1.1\r\n"), out _, out _));
        Assert.Equal(MeshPrefixStatus.Absent, MeshHttpConverter.Detect(Latin1.Bytes("MHX /a HTTP/1.1\r\n"), out _, out _));
        Assert.Equal(MeshPrefixStatus.NeedMoreData, MeshHttpConverter.Detect(Latin1.Bytes("M"), out _, out _));

        var bad = (byte[])mesh.Clone();
        bad[2] = 9;
        Assert.Equal(MeshPrefixStatus.Invalid, MeshHttpConverter.Detect(bad, out _, out var error));
        Assert.Equal("mesh.version", error.Field);
    }

    [Fact]
    public void Prefix_puts_the_mesh_header_before_the_unchanged_message()
    {
        var message = Latin1.Bytes(ThesisResponse + "..body..");
        var output = new byte[512];
        var r = MeshHttpConverter.Prefix(message, MeshCarriedHeaders.All, output);
        Assert.Equal(HttpParseStatus.Complete, r.Status);
        Assert.Equal(MeshHeaderVectors.All[1].Hex, Convert.ToHexString(output, 0, r.MeshWritten).ToLowerInvariant());
        Assert.Equal(message, output[r.MeshWritten..(r.MeshWritten + message.Length)]);

        // A receiver strips it again and finds the HTTP message.
        Assert.Equal(MeshPrefixStatus.Present, MeshHttpConverter.Detect(output, out var mesh, out _));
        Assert.Equal(r.MeshWritten, mesh.TotalLength);

        var tooSmall = MeshHttpConverter.Prefix(message, MeshCarriedHeaders.All, new byte[r.MeshWritten + 3]);
        Assert.Equal(HttpParseStatus.Invalid, tooSmall.Status);
        Assert.Equal("mesh.destination", tooSmall.MeshError.Field);
    }

    [Fact]
    public void Conversion_allocates_nothing()
    {
        var http = Latin1.Bytes(ThesisRequest);
        var buffer = new byte[256];
        var carried = MeshCarriedHeaders.Default;
        MeshHttpConverter.RequestToMesh(http, carried, buffer);
        long before = GC.GetAllocatedBytesForCurrentThread();
        int total = 0;
        for (int i = 0; i < 50; i++) total += MeshHttpConverter.RequestToMesh(http, carried, buffer).MeshWritten;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(total > 0);
    }
}
