using System.Net;
using System.Net.Sockets;
using System.Text;
using MeshSim.Io.Metrics;

namespace MeshSim.Io.Tests.Metrics;

public class MetricsEndpointTests
{
    [Theory]
    [InlineData("9464", "127.0.0.1:9464")]
    [InlineData(":9464", "127.0.0.1:9464")]
    [InlineData("localhost:0", "127.0.0.1:0")]
    [InlineData("0.0.0.0:9100", "0.0.0.0:9100")]
    [InlineData("[::1]:9100", "[::1]:9100")]
    public void Listen_addresses_parse(string text, string expected)
    {
        Assert.True(MetricsEndpoint.TryParseListen(text, out var at, out var error), error);
        Assert.Equal(expected, at.ToString());
    }

    [Theory]
    [InlineData("example.org:9464")]
    [InlineData("65536")]
    [InlineData("127.0.0.1:")]
    [InlineData("[::1]9100")]
    [InlineData("-1")]
    public void Bad_listen_addresses_do_not(string text) => Assert.False(MetricsEndpoint.TryParseListen(text, out _, out _));

    [Fact]
    public async Task Serves_each_scrape_fresh_over_keep_alive_and_answers_503_when_the_source_is_busy()
    {
        int n = 0;
        string? Next() => ++n == 3 ? null : $"a_total {n}\n";
        using var endpoint = new MetricsEndpoint(new IPEndPoint(IPAddress.Loopback, 0), _ => Task.FromResult(Next()));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var first = await http.GetAsync(endpoint.Url);
        Assert.Equal(MetricsEndpoint.ContentType, first.Content.Headers.ContentType!.ToString());
        Assert.Equal("a_total 1\n", await first.Content.ReadAsStringAsync());
        Assert.Equal("a_total 2\n", await http.GetStringAsync(endpoint.Url));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync(endpoint.Url)).StatusCode);
        Assert.Equal(2, endpoint.Scrapes);
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, endpoint.Url));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(endpoint.Url.Replace("/metrics", "/other"))).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.DeleteAsync(endpoint.Url)).StatusCode);
    }

    [Fact]
    public async Task Two_requests_in_one_write_get_two_responses_and_garbage_gets_400()
    {
        using var endpoint = new MetricsEndpoint(new IPEndPoint(IPAddress.Loopback, 0), _ => Task.FromResult<string?>("x 1\n"));
        using (var c = new TcpClient())
        {
            await c.ConnectAsync(endpoint.LocalEndpoint);
            var s = c.GetStream();
            await s.WriteAsync("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\nGET /metrics HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"u8.ToArray());
            var text = await new StreamReader(s, Encoding.ASCII).ReadToEndAsync();
            Assert.Equal(2, text.Split("HTTP/1.1 200 OK").Length - 1);
            Assert.EndsWith("Connection: close\r\n\r\nx 1\n", text);
        }
        using (var c = new TcpClient())
        {
            await c.ConnectAsync(endpoint.LocalEndpoint);
            var s = c.GetStream();
            await s.WriteAsync("hello\r\n\r\n"u8.ToArray());
            Assert.StartsWith("HTTP/1.1 400 ", await new StreamReader(s, Encoding.ASCII).ReadToEndAsync());
        }
    }

    [Fact]
    public void A_port_in_use_is_a_socket_error()
    {
        using var endpoint = new MetricsEndpoint(new IPEndPoint(IPAddress.Loopback, 0), _ => Task.FromResult<string?>(""));
        Assert.Throws<SocketException>(() => new MetricsEndpoint(endpoint.LocalEndpoint, _ => Task.FromResult<string?>("")));
    }
}
