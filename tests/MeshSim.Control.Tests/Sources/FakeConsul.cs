using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MeshSim.Control.Sources.Consul;

namespace MeshSim.Control.Tests.Sources;

/// <summary>
/// A small in-process Consul agent for tests, on 127.0.0.1, implementing blocking queries the way
/// Consul does: a request carrying index=N returns at once when the resource's index is already
/// past N, otherwise it waits until a write moves the index or the wait time runs out, and every
/// answer carries X-Consul-Index. Faults can be injected (5xx, garbage bodies, index resets).
/// </summary>
internal sealed class FakeConsul : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly object _gate = new();
    private readonly SortedDictionary<string, List<ConsulHealthEntry>> _services = new(StringComparer.Ordinal);
    private readonly List<ConsulIntention> _intentions = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ulong _index = 10;

    public FakeConsul(string? requiredToken = null)
    {
        RequiredToken = requiredToken;
        var port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseAddress.ToString());
        _listener.Start();
        _ = Task.Run(AcceptLoop);
    }

    public Uri BaseAddress { get; }
    public string? RequiredToken { get; }
    public int FailNextRequests;          // answer 500 to this many requests
    public string? GarbageFor;             // health answers for this service are not JSON
    public int Requests;
    public readonly List<string?> TokensSeen = new();

    public ulong Index { get { lock (_gate) return _index; } }

    public void Register(string service, string id, string address, int port, string status = "passing", params string[] tags) =>
        Register(service, id, address, port, null, status, tags);

    public void Register(string service, string id, string address, int port, IReadOnlyDictionary<string, string>? meta, string status = "passing", params string[] tags)
    {
        lock (_gate)
        {
            if (!_services.TryGetValue(service, out var list)) _services[service] = list = new();
            list.RemoveAll(e => e.Service.Id == id);
            list.Add(new ConsulHealthEntry(new ConsulNode("node-" + address, address),
                new ConsulAgentService(id, service, tags, address, port, meta, new ConsulWeights(1, 1)),
                [new ConsulCheck("service:" + id, status)]));
            BumpLocked(1);
        }
    }

    public void Deregister(string service, string id)
    {
        lock (_gate)
        {
            if (_services.TryGetValue(service, out var list) && list.RemoveAll(e => e.Service.Id == id) > 0)
            {
                if (list.Count == 0) _services.Remove(service);
                BumpLocked(1);
            }
        }
    }

    /// <summary>Simulates a restored snapshot: the index goes backwards.</summary>
    public void ResetIndex(ulong to)
    {
        lock (_gate) { _index = to; Wake(); }
    }

    private void BumpLocked(ulong by) { _index += by; Wake(); }

    private void Wake()
    {
        var old = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        old.TrySetResult();
    }

    private async Task AcceptLoop()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch { return; }
            _ = Task.Run(() => Handle(ctx));
        }
    }

    private async Task Handle(HttpListenerContext ctx)
    {
        var req = ctx.Request;
        var res = ctx.Response;
        try
        {
            Interlocked.Increment(ref Requests);
            var token = req.Headers["X-Consul-Token"];
            lock (TokensSeen) TokensSeen.Add(token);
            if (RequiredToken is not null && token != RequiredToken) { await Write(res, 403, "ACL not found", null); return; }
            if (TakeFailure()) { await Write(res, 500, "rpc error: No cluster leader", null); return; }

            var path = req.Url!.AbsolutePath;
            if (req.HttpMethod == "PUT" && path == "/v1/agent/service/register")
            {
                var reg = await JsonSerializer.DeserializeAsync<ConsulServiceRegistration>(req.InputStream);
                Register(reg!.Name, reg.Id, reg.Address, reg.Port, "passing", [.. reg.Tags ?? []]);
                await Write(res, 200, "", null);
                return;
            }
            await BlockIfAsked(req);
            string body;
            ulong index;
            lock (_gate)
            {
                index = _index;
                if (path == "/v1/catalog/services")
                    body = JsonSerializer.Serialize(_services.ToDictionary(kv => kv.Key, kv => kv.Value.SelectMany(e => e.Service.Tags ?? []).Distinct().ToList()));
                else if (path.StartsWith("/v1/health/service/", StringComparison.Ordinal))
                {
                    var name = Uri.UnescapeDataString(path["/v1/health/service/".Length..]);
                    body = name == GarbageFor ? "[{\"Node\": {\"Node\": \"n1\", \"Address\": 12" :
                        JsonSerializer.Serialize(_services.TryGetValue(name, out var list)
                            ? list.Where(e => !req.Url.Query.Contains("passing") || e.AggregatedStatus == "passing").ToList()
                            : []);
                }
                else if (path == "/v1/connect/intentions")
                    body = JsonSerializer.Serialize(_intentions);
                else { body = "unknown endpoint"; index = 0; }
            }
            await Write(res, body == "unknown endpoint" ? 404 : 200, body, index);
        }
        catch
        {
            try { res.Abort(); } catch { }
        }
    }

    private bool TakeFailure()
    {
        lock (_gate)
        {
            if (FailNextRequests <= 0) return false;
            FailNextRequests--;
            return true;
        }
    }

    private async Task BlockIfAsked(HttpListenerRequest req)
    {
        if (!ulong.TryParse(req.QueryString["index"], out var wanted)) return;
        var waitText = req.QueryString["wait"] ?? "300000ms";
        var wait = TimeSpan.FromMilliseconds(double.Parse(waitText.TrimEnd('m', 's')));
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_index != wanted) return;   // moved (forwards or, after a reset, backwards)
                changed = _changed.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return;
            await Task.WhenAny(changed, Task.Delay(left));
        }
    }

    private static async Task Write(HttpListenerResponse res, int status, string body, ulong? index)
    {
        res.StatusCode = status;
        if (index is { } i) res.Headers["X-Consul-Index"] = i.ToString();
        res.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(body);
        res.ContentLength64 = bytes.Length;
        await res.OutputStream.WriteAsync(bytes);
        res.Close();
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public void Dispose()
    {
        try { _listener.Stop(); _listener.Close(); } catch { }
    }
}
