using System.Buffers;
using MeshSim.Wire;

namespace MeshSim.Wire.Tests.Http;

public class HttpHeadParserTests
{
    // The thesis' listing 4, plus a body byte that must not be consumed.
    private const string ThesisRequest =
        "GET /api/list HTTP/1.1\r\nHost: localhost:8080\r\nConnection: keep-alive\r\nAccept: application/json\r\n\r\n";

    private const string ThesisResponse =
        "HTTP/1.1 200 OK\r\nHost: localhost:8080\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nContent-Length: 722\r\n\r\n";

    private static readonly string[] ThesisRequestCalls =
    [
        "request Get GET /api/list Http11",
        "header [Host] [localhost:8080]",
        "header [Connection] [keep-alive]",
        "header [Accept] [application/json]",
    ];

    private static (HttpHeadResult Result, List<string> Calls) Request(string text, HttpParserOptions options = default)
    {
        var sink = new RecordingSink();
        var result = HttpHeadParser.ParseRequest(Latin1.Bytes(text), ref sink, options);
        return (result, sink.Calls);
    }

    private static (HttpHeadResult Result, List<string> Calls) Response(string text, HttpParserOptions options = default)
    {
        var sink = new RecordingSink();
        var result = HttpHeadParser.ParseResponse(Latin1.Bytes(text), ref sink, options);
        return (result, sink.Calls);
    }

    [Fact]
    public void Parses_the_thesis_request_and_stops_before_the_body()
    {
        var (r, calls) = Request(ThesisRequest + "BODY");
        Assert.Equal(HttpParseStatus.Complete, r.Status);
        Assert.Equal(ThesisRequest.Length, r.Consumed);
        Assert.Equal(0, r.BareLineFeeds);
        Assert.Equal(ThesisRequestCalls, calls);
    }

    [Fact]
    public void Parses_the_thesis_response()
    {
        var (r, calls) = Response(ThesisResponse + "..body..");
        Assert.Equal(HttpParseStatus.Complete, r.Status);
        Assert.Equal(ThesisResponse.Length, r.Consumed);
        Assert.Equal(
        [
            "status Http11 200 [OK]",
            "header [Host] [localhost:8080]",
            "header [Connection] [keep-alive]",
            "header [Content-Type] [application/json]",
            "header [Content-Length] [722]",
        ], calls);
    }

    [Theory]
    [InlineData("HTTP/1.0 404 Not Found\r\n\r\n", "status Http10 404 [Not Found]")]
    [InlineData("HTTP/1.1 204\r\n\r\n", "status Http11 204 []")]
    [InlineData("HTTP/1.1 204 \r\n\r\n", "status Http11 204 []")]
    [InlineData("HTTP/1.1 599 Odd\tbut \xE9ok\r\n\r\n", "status Http11 599 [Odd\tbut \xE9ok]")]
    public void Status_line_variants(string text, string expected)
    {
        var (r, calls) = Response(text);
        Assert.Equal(HttpParseStatus.Complete, r.Status);
        Assert.Equal([expected], calls);
    }

    [Theory]
    [InlineData("PATCH /x HTTP/1.1\r\n\r\n", "request Patch PATCH /x Http11")]
    [InlineData("PURGE /cache HTTP/1.0\r\n\r\n", "request Extension PURGE /cache Http10")]
    [InlineData("get / HTTP/1.1\r\n\r\n", "request Extension get / Http11")]
    [InlineData("OPTIONS * HTTP/1.1\r\n\r\n", "request Options OPTIONS * Http11")]
    [InlineData("CONNECT example.org:443 HTTP/1.1\r\n\r\n", "request Connect CONNECT example.org:443 Http11")]
    public void Request_line_variants(string text, string expected)
    {
        var (r, calls) = Request(text);
        Assert.Equal(HttpParseStatus.Complete, r.Status);
        Assert.Equal([expected], calls);
    }

    [Fact]
    public void Header_values_are_trimmed_and_may_be_empty()
    {
        var (r, calls) = Request("GET / HTTP/1.1\r\nA:x\r\nB: \t spaced out \t\r\nC:\r\nD:   \r\n\r\n");
        Assert.Equal(HttpParseStatus.Complete, r.Status);
        Assert.Equal(["request Get GET / Http11", "header [A] [x]", "header [B] [spaced out]", "header [C] []", "header [D] []"], calls);
    }

    [Fact]
    public void Every_split_point_needs_more_data_and_reports_nothing_then_completes()
    {
        foreach (var (text, isRequest) in new[] { (ThesisRequest, true), (ThesisResponse, false) })
        {
            var bytes = Latin1.Bytes(text);
            for (int cut = 0; cut < bytes.Length; cut++)
            {
                var sink = new RecordingSink();
                var r = isRequest
                    ? HttpHeadParser.ParseRequest(bytes.AsSpan(0, cut), ref sink)
                    : HttpHeadParser.ParseResponse(bytes.AsSpan(0, cut), ref sink);
                Assert.True(r.Status == HttpParseStatus.NeedMoreData, $"prefix {cut}: {r}");
                Assert.Equal(0, r.Consumed);
                Assert.Empty(sink.Calls);
            }
        }
    }

    [Fact]
    public void Every_split_point_of_a_two_segment_sequence_gives_the_same_result()
    {
        var bytes = Latin1.Bytes(ThesisRequest + "tail");
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            var sequence = TwoSegments(bytes, cut);
            var sink = new RecordingSink();
            var r = HttpHeadParser.ParseRequest(sequence, ref sink);
            Assert.True(r.Status == HttpParseStatus.Complete, $"cut {cut}: {r}");
            Assert.Equal(ThesisRequest.Length, r.Consumed);
            Assert.Equal(ThesisRequestCalls, sink.Calls);
        }
    }

    [Fact]
    public void Every_pair_of_split_points_in_a_three_segment_sequence_gives_the_same_result()
    {
        var bytes = Latin1.Bytes(ThesisResponse + "xy");
        for (int a = 0; a <= bytes.Length; a++)
        for (int b = a; b <= bytes.Length; b++)
        {
            var sink = new RecordingSink();
            var r = HttpHeadParser.ParseResponse(Segments(bytes, a, b), ref sink);
            Assert.True(r.Status == HttpParseStatus.Complete && r.Consumed == ThesisResponse.Length && sink.Calls.Count == 5, $"cuts {a},{b}: {r}");
        }
    }

    [Fact]
    public void Sequence_prefixes_need_more_data_and_oversized_sequences_are_too_large()
    {
        var bytes = Latin1.Bytes(ThesisRequest);
        for (int cut = 0; cut < bytes.Length; cut++)
        {
            var sink = new RecordingSink();
            var r = HttpHeadParser.ParseRequest(Segments(bytes[..cut], cut / 3, 2 * cut / 3), ref sink);
            Assert.Equal(HttpParseStatus.NeedMoreData, r.Status);
            Assert.Empty(sink.Calls);
        }
        var huge = Latin1.Bytes("GET / HTTP/1.1\r\nX: " + new string('a', 40_000));
        var s2 = new RecordingSink();
        Assert.Equal(HttpParseErrorKind.HeadTooLarge, HttpHeadParser.ParseRequest(Segments(huge, 10, 20_000), ref s2).Error.Kind);
    }

    [Fact]
    public void Bytes_arriving_one_at_a_time_complete_exactly_when_the_blank_line_arrives()
    {
        var bytes = Latin1.Bytes(ThesisRequest);
        var received = new List<byte>();
        int completedAt = -1;
        foreach (byte b in bytes)
        {
            received.Add(b);
            var sink = new RecordingSink();
            var r = HttpHeadParser.ParseRequest(received.ToArray(), ref sink);
            if (r.Status == HttpParseStatus.Complete) { completedAt = received.Count; Assert.Equal(ThesisRequestCalls, sink.Calls); break; }
            Assert.Equal(HttpParseStatus.NeedMoreData, r.Status);
        }
        Assert.Equal(bytes.Length, completedAt);
    }

    [Fact]
    public void Bare_lf_is_invalid_when_strict()
    {
        var (r, calls) = Request("GET / HTTP/1.1\nHost: a\r\n\r\n");
        Assert.Equal(HttpParseStatus.Invalid, r.Status);
        Assert.Equal(HttpParseErrorKind.BareLineFeed, r.Error.Kind);
        Assert.Equal(14, r.Error.Offset);
        Assert.Empty(calls);
    }

    [Fact]
    public void Bare_lf_is_accepted_and_counted_when_lenient()
    {
        const string text = "GET / HTTP/1.1\nHost: a\r\nX: y\n\n";
        var (r, calls) = Request(text + "body", HttpParserOptions.Lenient);
        Assert.Equal(HttpParseStatus.Complete, r.Status);
        Assert.Equal(text.Length, r.Consumed);
        Assert.Equal(3, r.BareLineFeeds);
        Assert.Equal(["request Get GET / Http11", "header [Host] [a]", "header [X] [y]"], calls);
    }

    [Fact]
    public void Lenient_head_without_crlfcrlf_waits_at_every_prefix()
    {
        var bytes = Latin1.Bytes("GET / HTTP/1.1\nHost: a\n\n");
        for (int cut = 0; cut < bytes.Length; cut++)
        {
            var sink = new RecordingSink();
            var r = HttpHeadParser.ParseRequest(bytes.AsSpan(0, cut), ref sink, HttpParserOptions.Lenient);
            Assert.True(r.Status == HttpParseStatus.NeedMoreData, $"prefix {cut}: {r}");
            Assert.Empty(sink.Calls);
        }
    }

    [Theory]
    [InlineData("GET  / HTTP/1.1\r\n\r\n", HttpParseErrorKind.InvalidTarget, 4)]
    [InlineData(" GET / HTTP/1.1\r\n\r\n", HttpParseErrorKind.InvalidMethod, 0)]
    [InlineData("G(T / HTTP/1.1\r\n\r\n", HttpParseErrorKind.InvalidMethod, 1)]
    [InlineData("GET /a\x01 HTTP/1.1\r\n\r\n", HttpParseErrorKind.InvalidTarget, 6)]
    [InlineData("GET /\r HTTP/1.1\r\n\r\n", HttpParseErrorKind.BareCarriageReturn, 5)]
    [InlineData("GET /\r\n\r\n", HttpParseErrorKind.InvalidVersion, 5)]
    [InlineData("GET / HTTP/1.1 \r\n\r\n", HttpParseErrorKind.InvalidVersion, 6)]
    [InlineData("GET / HTTP/2.0\r\n\r\n", HttpParseErrorKind.UnsupportedVersion, 6)]
    [InlineData("GET / http/1.1\r\n\r\n", HttpParseErrorKind.InvalidVersion, 6)]
    [InlineData("GET / HTTP/1.1\r\nHost : a\r\n\r\n", HttpParseErrorKind.WhitespaceBeforeColon, 20)]
    [InlineData("GET / HTTP/1.1\r\nHost a\r\n\r\n", HttpParseErrorKind.MissingColon, 20)]
    [InlineData("GET / HTTP/1.1\r\nHost\r\n\r\n", HttpParseErrorKind.MissingColon, 20)]
    [InlineData("GET / HTTP/1.1\r\n: a\r\n\r\n", HttpParseErrorKind.InvalidHeaderName, 16)]
    [InlineData("GET / HTTP/1.1\r\nHo\"st: a\r\n\r\n", HttpParseErrorKind.InvalidHeaderName, 18)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\u0000b\r\n\r\n", HttpParseErrorKind.InvalidHeaderValue, 23)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", HttpParseErrorKind.BareCarriageReturn, 23)]
    [InlineData("GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", HttpParseErrorKind.ObsoleteLineFolding, 22)]
    [InlineData("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", HttpParseErrorKind.TlsHandshake, 0)]
    [InlineData("HTTP/1.1 200 OK\r\n\r\n", HttpParseErrorKind.InvalidMethod, 4)]
    public void Invalid_requests_name_kind_and_offset(string text, HttpParseErrorKind kind, int offset)
    {
        var (r, _) = Request(text);
        Assert.Equal(HttpParseStatus.Invalid, r.Status);
        Assert.Equal(kind, r.Error.Kind);
        Assert.Equal(offset, r.Error.Offset);
        Assert.Contains($"at byte {offset}", r.Error.ToString());
    }

    [Theory]
    [InlineData("HTTP/1.1 20 OK\r\n\r\n", HttpParseErrorKind.InvalidStatusCode, 9)]
    [InlineData("HTTP/1.1 099 Low\r\n\r\n", HttpParseErrorKind.InvalidStatusCode, 9)]
    [InlineData("HTTP/1.1 2000 OK\r\n\r\n", HttpParseErrorKind.InvalidStatusCode, 12)]
    [InlineData("HTTP/1.1\r\n\r\n", HttpParseErrorKind.InvalidStatusCode, 8)]
    [InlineData("HTTP/3 200 OK\r\n\r\n", HttpParseErrorKind.InvalidVersion, 0)]
    [InlineData("HTTP/1.1 200 O\x7FK\r\n\r\n", HttpParseErrorKind.InvalidReasonPhrase, 14)]
    [InlineData("GET / HTTP/1.1\r\n\r\n", HttpParseErrorKind.InvalidVersion, 0)]
    public void Invalid_responses_name_kind_and_offset(string text, HttpParseErrorKind kind, int offset)
    {
        var (r, _) = Response(text);
        Assert.Equal(HttpParseStatus.Invalid, r.Status);
        Assert.Equal(kind, r.Error.Kind);
        Assert.Equal(offset, r.Error.Offset);
    }

    [Theory]
    [InlineData("G\x00")]
    [InlineData("GET / HTTP/1.1\r\nHost: \x01")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\rb")]
    [InlineData("GET / HTTP/1.1\r\n folded")]
    [InlineData("{\"json\": true}")]
    public void Garbage_is_rejected_before_the_head_could_end(string text)
    {
        var (r, calls) = Request(text);
        Assert.Equal(HttpParseStatus.Invalid, r.Status);
        Assert.Empty(calls);
    }

    [Fact]
    public void Error_message_shows_the_escaped_line()
    {
        var (r, _) = Request("GET / HTTP/1.1\r\nHost: a\u0000b\r\n\r\n");
        Assert.Equal("Host: a\\x00b\\r\\n", r.Error.Snippet);
        Assert.Equal("invalid HTTP head at byte 23 (InvalidHeaderValue): expected a header value without control bytes; line: \"Host: a\\x00b\\r\\n\"", r.Error.ToString());
    }

    [Fact]
    public void Snippet_is_capped()
    {
        var (r, _) = Request("GET / HTTP/1.1\r\nX: " + new string('a', 100) + "\x01\r\n\r\n");
        Assert.Equal(HttpParseErrorKind.InvalidHeaderValue, r.Error.Kind);
        Assert.Equal(HttpParseError.MaxSnippetBytes + 3, r.Error.Snippet.Length);
        Assert.EndsWith("...", r.Error.Snippet);
    }

    [Fact]
    public void Head_too_large_is_invalid_whether_complete_or_not()
    {
        var options = new HttpParserOptions(MaxHeadLength: 64);
        string big = "GET / HTTP/1.1\r\nX: " + new string('a', 60) + "\r\n\r\n";
        Assert.Equal(HttpParseErrorKind.HeadTooLarge, Request(big, options).Result.Error.Kind);
        Assert.Equal(HttpParseErrorKind.HeadTooLarge, Request(big[..70], options).Result.Error.Kind);
        Assert.Equal(HttpParseStatus.NeedMoreData, Request(big[..63], options).Result.Status);
        string fits = "GET / HTTP/1.1\r\nX: " + new string('a', 41) + "\r\n\r\n";
        Assert.Equal(64, fits.Length);
        Assert.Equal(HttpParseStatus.Complete, Request(fits, options).Result.Status);
    }

    [Fact]
    public void Too_many_headers_is_invalid()
    {
        var options = new HttpParserOptions(MaxHeaderCount: 2);
        Assert.Equal(HttpParseStatus.Complete, Request("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n", options).Result.Status);
        var (r, _) = Request("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", options);
        Assert.Equal(HttpParseErrorKind.TooManyHeaders, r.Error.Kind);
        Assert.Equal(28, r.Error.Offset);
    }

    [Fact]
    public void Parsing_allocates_nothing()
    {
        var bytes = Latin1.Bytes(ThesisRequest);
        var sink = new CountingSink();
        HttpHeadParser.ParseRequest(bytes, ref sink); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) HttpHeadParser.ParseRequest(bytes, ref sink);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(101 * 4, sink.Calls);
    }

    private struct CountingSink : IHttpHeadSink
    {
        public int Calls;
        public void OnRequestLine(HttpMethodKind method, ReadOnlySpan<byte> methodToken, ReadOnlySpan<byte> target, HttpVersionKind version) => Calls++;
        public void OnStatusLine(HttpVersionKind version, int statusCode, ReadOnlySpan<byte> reason) => Calls++;
        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => Calls++;
    }

    internal static ReadOnlySequence<byte> Segments(byte[] bytes, int cut1, int cut2)
    {
        var first = new Segment(bytes.AsMemory(0, cut1), 0);
        var last = first.Append(bytes.AsMemory(cut1, cut2 - cut1)).Append(bytes.AsMemory(cut2));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    internal static ReadOnlySequence<byte> TwoSegments(byte[] bytes, int cut)
    {
        var first = new Segment(bytes.AsMemory(0, cut), 0);
        var second = first.Append(bytes.AsMemory(cut));
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex) { Memory = memory; RunningIndex = runningIndex; }
        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
