using MeshSim.Engine;
using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;
using MeshSim.Wire;

namespace MeshSim.Stack.Apps.Http;

/// <summary>Handles one request; runs on virtual time (it may await the CPU or other services).</summary>
public delegate SimTask<HttpResponse> HttpHandler(HttpRequest request);

/// <summary>
/// An HTTP/1.1 server on a host: accepts connections, serves requests one at a time per connection
/// (keep-alive until the client sends "Connection: close" or closes), and routes by path: the longest
/// registered prefix wins; no match gives 404. A malformed request gets 400 and the connection closes.
/// </summary>
public sealed class HttpServer
{
    private readonly Host _host;
    private readonly List<(string Prefix, HttpHandler Handler)> _routes = new();
    private TcpListener? _listener;

    /// <summary>Creates a server for <paramref name="port"/> on <paramref name="host"/>; call <see cref="Start"/>.</summary>
    public HttpServer(Host host, ushort port, HttpParserOptions parserOptions = default)
    {
        _host = host; Port = port; ParserOptions = parserOptions;
    }

    /// <summary>Listening port.</summary>
    public ushort Port { get; }
    /// <summary>Head-parser strictness.</summary>
    public HttpParserOptions ParserOptions { get; }
    /// <summary>Requests answered.</summary>
    public long Requests { get; private set; }
    /// <summary>Connections accepted.</summary>
    public long Connections { get; private set; }
    /// <summary>Requests rejected as malformed.</summary>
    public long BadRequests { get; private set; }
    /// <summary>Requests accepted with bare-LF line ends (only with a lenient parser).</summary>
    public long BareLineFeedRequests { get; private set; }

    /// <summary>Routes requests whose path starts with <paramref name="prefix"/> to <paramref name="handler"/>.</summary>
    public HttpServer Map(string prefix, HttpHandler handler)
    {
        if (!prefix.StartsWith('/')) throw new ArgumentException($"route prefix '{prefix}' must start with '/'");
        _routes.Add((prefix, handler));
        return this;
    }

    /// <summary>Starts listening and accepting.</summary>
    public HttpServer Start(int backlog = 128)
    {
        _listener = _host.Listen(Port, backlog);
        _host.Sim.Spawn(AcceptLoop);
        return this;
    }

    /// <summary>Stops accepting new connections.</summary>
    public void Stop() => _listener?.Stop();

    private async SimTask AcceptLoop()
    {
        var listener = _listener!;
        while (listener.IsListening)
        {
            TcpSocket socket;
            try { socket = await listener.AcceptAsync(); }
            catch (TcpException) { return; }       // listener stopped
            Connections++;
            _host.Sim.Spawn(() => Serve(socket));
        }
    }

    private async SimTask Serve(TcpSocket socket)
    {
        var conn = new HttpConnection(socket, ParserOptions);
        long bareSeen = 0;
        try
        {
            while (true)
            {
                HttpRequest? request;
                try { request = await conn.ReadRequestAsync(); }
                catch (HttpFramingException e)
                {
                    BadRequests++;
                    await conn.WriteResponseAsync(HttpResponse.Text(400, e.Message + "\n") with
                        { Headers = [new("Content-Type", "text/plain"), new("Connection", "close")] });
                    socket.Close();
                    return;
                }
                if (request is null) { socket.Close(); return; }
                if (conn.BareLineFeedMessages > bareSeen) { BareLineFeedRequests++; bareSeen = conn.BareLineFeedMessages; }
                var response = await Dispatch(request);
                Requests++;
                bool close = string.Equals(request.Header("Connection"), "close", StringComparison.OrdinalIgnoreCase);
                if (close) response = response with { Headers = [.. response.Headers, new("Connection", "close")] };
                await conn.WriteResponseAsync(response);
                if (close) { socket.Close(); return; }
            }
        }
        catch (TcpException)
        {
            socket.Abort();   // peer reset or timed out: nothing more to do on this connection
        }
    }

    private SimTask<HttpResponse> Dispatch(HttpRequest request)
    {
        HttpHandler? best = null;
        int bestLength = -1;
        foreach (var (prefix, handler) in _routes)
            if (request.Path.StartsWith(prefix, StringComparison.Ordinal) && prefix.Length > bestLength) { best = handler; bestLength = prefix.Length; }
        return best is null ? SimTask<HttpResponse>.FromResult(HttpResponse.Text(404, $"no route for {request.Path}\n")) : best(request);
    }
}
