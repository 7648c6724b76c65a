using System.Text;
using MeshSim.Wire;

namespace MeshSim.Wire.Tests.Http;

public class HttpHeadWriterTests
{
    [Fact]
    public void Writes_the_thesis_request_exactly()
    {
        var buffer = Enumerable.Repeat((byte)0xA5, 256).ToArray();
        var w = new HttpHeadWriter(buffer);
        Assert.True(w.RequestLine(HttpMethodKind.Get, "/api/list"u8));
        Assert.True(w.Header("Host"u8, "localhost:8080"u8));
        Assert.True(w.Header("Connection", "keep-alive"));
        Assert.True(w.Header("Content-Length"u8, 722));
        Assert.True(w.End());
        Assert.True(w.IsComplete);
        Assert.Equal("GET /api/list HTTP/1.1\r\nHost: localhost:8080\r\nConnection: keep-alive\r\nContent-Length: 722\r\n\r\n",
            Encoding.Latin1.GetString(buffer, 0, w.Written));
        Assert.Equal(0xA5, buffer[w.Written]);
    }

    [Fact]
    public void Writes_a_status_line_with_the_standard_reason()
    {
        var buffer = new byte[64];
        var w = new HttpHeadWriter(buffer);
        w.StatusLine(404, HttpVersionKind.Http10);
        w.End();
        Assert.Equal("HTTP/1.0 404 Not Found\r\n\r\n", Encoding.Latin1.GetString(buffer, 0, w.Written));
    }

    [Theory]
    [InlineData("X-Evil", "a\r\nInjected: yes", HttpWriteError.InvalidHeaderValue)]
    [InlineData("X-Evil", " leading", HttpWriteError.InvalidHeaderValue)]
    [InlineData("Bad Name", "v", HttpWriteError.InvalidHeaderName)]
    [InlineData("", "v", HttpWriteError.InvalidHeaderName)]
    [InlineData("X", "caf\u20AC", HttpWriteError.InvalidHeaderValue)]
    public void Refuses_invalid_headers_and_writes_nothing_more(string name, string value, HttpWriteError expected)
    {
        var buffer = new byte[128];
        var w = new HttpHeadWriter(buffer);
        w.RequestLine(HttpMethodKind.Get, "/"u8);
        int before = w.Written;
        Assert.False(w.Header(name, value));
        Assert.Equal(expected, w.Error);
        Assert.Equal(before, w.Written);
        Assert.False(w.End());
        Assert.False(w.IsComplete);
    }

    [Fact]
    public void Refuses_bad_start_lines_and_out_of_order_calls()
    {
        var buffer = new byte[128];
        var w = new HttpHeadWriter(buffer);
        Assert.False(w.RequestLine("GET"u8, "/a b"u8));
        Assert.Equal(HttpWriteError.InvalidTarget, w.Error);

        w = new HttpHeadWriter(buffer);
        Assert.False(w.Header("A"u8, "b"u8));
        Assert.Equal(HttpWriteError.OutOfOrder, w.Error);

        w = new HttpHeadWriter(buffer);
        Assert.False(w.StatusLine(99));
        Assert.Equal(HttpWriteError.InvalidStatusCode, w.Error);

        w = new HttpHeadWriter(buffer.AsSpan(0, 10));
        Assert.False(w.RequestLine(HttpMethodKind.Get, "/long/path"u8));
        Assert.Equal(HttpWriteError.DestinationTooSmall, w.Error);
        Assert.Equal(0, w.Written);
    }

    [Fact]
    public void HttpHead_round_trips_through_bytes()
    {
        var head = HttpHead.Request("POST", "/orders?id=7", [new("Host", "shop"), new("Content-Length", "12")]);
        var bytes = head.ToBytes();
        var r = HttpHead.ParseRequest(bytes, out var parsed);
        Assert.Equal(HttpParseStatus.Complete, r.Status);
        Assert.Equal(bytes.Length, r.Consumed);
        Assert.Equal(HttpMethodKind.Post, parsed!.Method);
        Assert.Equal("/orders?id=7", parsed.Target);
        Assert.Equal("12", parsed.Get("content-length"));
        Assert.Equal(head.ToString(), parsed.ToString());
    }
}
