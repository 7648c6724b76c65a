using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MeshSim.Io.Metrics;

/// <summary>
/// A minimal HTTP/1.1 server for one Prometheus scrape target: <c>GET /metrics</c> answers with the
/// text a callback renders at that moment (Prometheus text exposition, <see cref="ContentType"/>),
/// <c>GET /</c> with a line naming the path, anything else 404 or 405. Enough for Prometheus, curl
/// and browsers: keep-alive, <c>HEAD</c>, no request bodies, no compression, no TLS. It is a
/// socket and a few hundred bytes of parsing rather than HttpListener or Kestrel so the Native AOT
/// tool carries no web stack, and nothing in it uses reflection.
/// </summary>
public sealed class MetricsEndpoint : IDisposable
{
    /// <summary>The content type of the Prometheus text format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private const int MaxHeaderBytes = 16 * 1024;
    private const int MaxConnections = 32;
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);

    private readonly TcpListener _listener;
    private readonly Func<CancellationToken, Task<string?>> _scrape;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;
    private long _scrapes;

    /// <summary>
    /// Listens on <paramref name="at"/> and serves what <paramref name="scrape"/> returns; a null
    /// result (the source could not be read in time) or an exception is answered with 503.
    /// </summary>
    /// <exception cref="SocketException">The address cannot be bound (in use, not local).</exception>
    public MetricsEndpoint(IPEndPoint at, Func<CancellationToken, Task<string?>> scrape)
    {
        _scrape = scrape;
        _listener = new TcpListener(at);
        _listener.Start();
        LocalEndpoint = (IPEndPoint)_listener.LocalEndpoint;
        _accepting = Task.Run(AcceptLoop);
    }

    /// <summary>Where the server listens (the real port when 0 was asked for).</summary>
    public IPEndPoint LocalEndpoint { get; }

    /// <summary>The scrape URL, e.g. http://127.0.0.1:9464/metrics.</summary>
    public string Url => LocalEndpoint.AddressFamily == AddressFamily.InterNetworkV6
        ? $"http://[{LocalEndpoint.Address}]:{LocalEndpoint.Port}/metrics"
        : $"http://{LocalEndpoint.Address}:{LocalEndpoint.Port}/metrics";

    /// <summary>Successful <c>/metrics</c> responses so far.</summary>
    public long Scrapes => Interlocked.Read(ref _scrapes);

    /// <summary>
    /// Parses a listen address: <c>PORT</c> or <c>:PORT</c> (127.0.0.1), <c>IPV4:PORT</c>,
    /// <c>[IPV6]:PORT</c> or <c>localhost:PORT</c>. No name lookups: any other host name is an error.
    /// </summary>
    public static bool TryParseListen(string text, out IPEndPoint endpoint, out string error)
    {
        endpoint = new IPEndPoint(IPAddress.Loopback, 0);
        error = "";
        string host = "", port = text;
        if (text.StartsWith('['))
        {
            int close = text.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0) { error = $"expected [IPV6]:PORT, got \"{text}\""; return false; }
            host = text[1..close];
            port = text[(close + 2)..];
        }
        else if (text.LastIndexOf(':') is var colon and >= 0)
        {
            host = text[..colon];
            port = text[(colon + 1)..];
        }
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > 65535)
        {
            error = $"expected PORT or ADDRESS:PORT (e.g. 9464 or 127.0.0.1:9464), got \"{text}\"";
            return false;
        }
        IPAddress address;
        if (host.Length == 0 || host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) address = IPAddress.Loopback;
        else if (!IPAddress.TryParse(host, out address!))
        {
            error = $"expected an IP address (or localhost) before the port, got \"{host}\"";
            return false;
        }
        endpoint = new IPEndPoint(address, p);
        return true;
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
            if (Interlocked.Increment(ref _connections) > MaxConnections)
            {
                Interlocked.Decrement(ref _connections);
                socket.Dispose();
                continue;
            }
            _ = Task.Run(async () =>
            {
                try { await Serve(socket); }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException) { }
                finally
                {
                    socket.Dispose();
                    Interlocked.Decrement(ref _connections);
                }
            });
        }
    }

    private async Task Serve(Socket socket)
    {
        socket.NoDelay = true;
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var buffer = new byte[MaxHeaderBytes];
        int filled = 0;
        while (true)
        {
            // Read until the blank line that ends the request head.
            int end;
            while ((end = HeadEnd(buffer, filled)) < 0)
            {
                if (filled == buffer.Length) { await Respond(stream, 431, "Request Header Fields Too Large", "text/plain", "request head too large\n"u8.ToArray(), head: false, close: true); return; }
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                idle.CancelAfter(IdleTimeout);
                int n = await stream.ReadAsync(buffer.AsMemory(filled), idle.Token);
                if (n == 0) return;
                filled += n;
            }
            var lines = Encoding.ASCII.GetString(buffer, 0, end).Split("\r\n");
            var request = lines[0].Split(' ');
            Buffer.BlockCopy(buffer, end + 4, buffer, 0, filled - end - 4);
            filled -= end + 4;
            if (request.Length != 3 || !request[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            {
                await Respond(stream, 400, "Bad Request", "text/plain", "bad request line\n"u8.ToArray(), head: false, close: true);
                return;
            }
            bool close = request[2] == "HTTP/1.0";
            bool body = false;
            foreach (var h in lines.Skip(1))
            {
                int colon = h.IndexOf(':');
                if (colon < 0) continue;
                var name = h[..colon].Trim();
                var value = h[(colon + 1)..].Trim();
                if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                    close = value.Equals("close", StringComparison.OrdinalIgnoreCase) || (close && !value.Equals("keep-alive", StringComparison.OrdinalIgnoreCase));
                else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && value != "0"))
                    body = true;
            }
            var method = request[0];
            var path = request[1];
            int query = path.IndexOf('?');
            if (query >= 0) path = path[..query];
            bool head = method == "HEAD";
            if (body || (method != "GET" && !head))
            {
                await Respond(stream, 405, "Method Not Allowed", "text/plain", "only GET and HEAD\n"u8.ToArray(), head, close: true, extra: "Allow: GET, HEAD\r\n");
                return;
            }
            if (path == "/metrics")
            {
                string? text;
                try { text = await _scrape(_stop.Token); }
                catch (Exception e) when (e is not OperationCanceledException) { text = null; }
                if (text is null) await Respond(stream, 503, "Service Unavailable", "text/plain", "the simulation did not answer in time\n"u8.ToArray(), head, close);
                else
                {
                    await Respond(stream, 200, "OK", ContentType, Encoding.UTF8.GetBytes(text), head, close);
                    Interlocked.Increment(ref _scrapes);
                }
            }
            else if (path == "/") await Respond(stream, 200, "OK", "text/plain; charset=utf-8", "meshsim: Prometheus metrics at /metrics\n"u8.ToArray(), head, close);
            else await Respond(stream, 404, "Not Found", "text/plain", "not found; metrics are at /metrics\n"u8.ToArray(), head, close);
            if (close) return;
        }
    }

    private static int HeadEnd(byte[] b, int length)
    {
        for (int i = 0; i + 3 < length; i++)
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') return i;
        return -1;
    }

    private async Task Respond(NetworkStream stream, int status, string reason, string contentType, byte[] body, bool head, bool close, string extra = "")
    {
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"HTTP/1.1 {status} {reason}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n{extra}{(close ? "Connection: close\r\n" : "")}\r\n"));
        await stream.WriteAsync(header, _stop.Token);
        if (!head && body.Length > 0) await stream.WriteAsync(body, _stop.Token);
    }

    /// <summary>Stops listening; connections in progress are cut.</summary>
    public void Dispose()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _listener.Stop();
        try { _accepting.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
