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

    /// <summary>A client that connects from <paramref name="host"/>.</summary>
    public SimHttpClient(Host host) => _host = host;

    /// <summary>Connections opened so far.</summary>
    public long ConnectionsOpened { get; private set; }

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
            conn = new HttpConnection(await _host.ConnectAsync(address, port));
            ConnectionsOpened++;
        }
        await conn.WriteRequestAsync(request, $"{address}:{port}");
        var response = await conn.ReadResponseAsync();
        if (string.Equals(response.Header("Connection"), "close", StringComparison.OrdinalIgnoreCase)) conn.Socket.Close();
        else
        {
            if (!_idle.TryGetValue(key, out pool)) _idle[key] = pool = new Stack<HttpConnection>();
            pool.Push(conn);
        }
        return response;
    }

    /// <summary>GET shortcut.</summary>
    public SimTask<HttpResponse> GetAsync(Ipv4Address address, ushort port, string path) => SendAsync(address, port, HttpRequest.Get(path));

    /// <summary>Closes idle connections.</summary>
    public void CloseIdle()
    {
        foreach (var pool in _idle.Values) while (pool.Count > 0) pool.Pop().Socket.Close();
    }
}
