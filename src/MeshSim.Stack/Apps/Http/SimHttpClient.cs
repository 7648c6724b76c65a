using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;
using MeshSim.Wire;

namespace MeshSim.Stack.Apps.Http;

/// <summary>
/// An HTTP/1.1 client with keep-alive connection reuse per destination. Requests to one destination
/// run on an idle pooled connection, or a new one when all are busy (so concurrent callers get
/// concurrent connections, like Go's http.Transport).
/// </summary>
public sealed class SimHttpClient
{
    private readonly Host _host;
    private readonly Dictionary<(Ipv4Address, ushort), Stack<HttpConnection>> _idle = new();

    private readonly MeshCarriedHeaders? _mesh;

    /// <summary>A client that connects from <paramref name="host"/>; with <paramref name="meshHeaders"/>
    /// every request starts with a mesh header carrying those fields (docs/mesh-header.md).</summary>
    public SimHttpClient(Host host, MeshCarriedHeaders? meshHeaders = null)
    {
        _host = host;
        _mesh = meshHeaders;
    }

    /// <summary>Responses that arrived with a mesh header in front.</summary>
    public long MeshResponses { get; private set; }

    /// <summary>Connections opened so far.</summary>
    public long ConnectionsOpened { get; private set; }

    /// <summary>
    /// When the response says <c>Connection: close</c>: false (the default) reads on to the end of
    /// the stream and closes after the server's FIN, as curl, wrk and Go's client do, so the server
    /// closes first and holds TIME_WAIT; true closes as soon as the header is seen, so the FINs
    /// cross and both ends end in TIME_WAIT (a client that hangs up first).
    /// </summary>
    public bool CloseOnResponseHeader { get; init; }

    /// <summary>Sends <paramref name="request"/> to <paramref name="address"/>:<paramref name="port"/> and waits for the response.</summary>
    public async SimTask<HttpResponse> SendAsync(Ipv4Address address, ushort port, HttpRequest request)
    {
        var key = (address, port);
        HttpConnection? conn = null;
        if (_idle.TryGetValue(key, out var pool))
            while (pool.Count > 0 && conn is null)
            {
                var c = pool.Pop();
                if (c.Socket.State == TcpState.Established) conn = c; else c.Socket.Close();
            }
        if (conn is null)
        {
            conn = new HttpConnection(await _host.ConnectAsync(address, port)) { SendMesh = _mesh };
            ConnectionsOpened++;
        }
        await conn.WriteRequestAsync(request, $"{address}:{port}");
        long before = conn.MeshHeadersReceived;
        var response = await conn.ReadResponseAsync();
        if (conn.MeshHeadersReceived > before) MeshResponses++;
        if (string.Equals(response.Header("Connection"), "close", StringComparison.OrdinalIgnoreCase))
        {
            if (CloseOnResponseHeader) conn.Socket.Close();
            else _host.Sim.Spawn(() => CloseAtEndOfStream(conn));
        }
        else
        {
            if (!_idle.TryGetValue(key, out pool)) _idle[key] = pool = new Stack<HttpConnection>();
            pool.Push(conn);
        }
        return response;
    }

    // The response is the caller's already; the connection is closed once the server's FIN is read.
    private static async SimTask CloseAtEndOfStream(HttpConnection conn)
    {
        try { await conn.ReadToEndAsync(); }
        catch (TcpException) { }                // reset or timed out: the socket is gone already
        conn.Socket.Close();
    }

    /// <summary>GET shortcut.</summary>
    public SimTask<HttpResponse> GetAsync(Ipv4Address address, ushort port, string path) => SendAsync(address, port, HttpRequest.Get(path));

    /// <summary>Closes idle connections.</summary>
    public void CloseIdle()
    {
        foreach (var pool in _idle.Values) while (pool.Count > 0) pool.Pop().Socket.Close();
    }
}
