using MeshSim.Stack.Apps.Http;
using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;

namespace MeshSim.Stack.Apps.Load;

/// <summary>
/// A fortio-like HTTP load generator on a simulated host: C keep-alive connections, each issuing
/// requests back to back (or paced for a QPS target), until N requests or the duration are done.
/// Latency is request write to full response, in virtual time.
/// </summary>
public sealed class LoadGenerator
{
    private readonly Host _host;
    private readonly LoadOptions _o;
    private readonly LoadResult _result;
    private int _issued, _running;
    private long _start, _stopAt;
    private readonly SimTask<LoadResult> _done = new();

    private LoadGenerator(Host host, LoadOptions options)
    {
        options.Validate();
        _host = host; _o = options; _result = new LoadResult(options);
    }

    /// <summary>Starts the load; the task completes with the results when every worker finished.</summary>
    public static SimTask<LoadResult> Run(Host host, LoadOptions options)
    {
        var g = new LoadGenerator(host, options);
        g._start = host.Sim.Now;
        g._stopAt = options.Requests > 0 ? long.MaxValue : g._start + options.DurationNs;
        g._running = options.Concurrency;
        for (int i = 0; i < options.Concurrency; i++) { int w = i; host.Sim.Spawn(() => g.Worker(w)); }
        return g._done;
    }

    private bool TakeTicket()
    {
        if (_o.Requests > 0) { if (_issued >= _o.Requests) return false; }
        else if (_host.Sim.Now >= _stopAt) return false;
        _issued++;
        return true;
    }

    private async SimTask Worker(int index)
    {
        var sim = _host.Sim;
        long interval = _o.Qps > 0 ? (long)(1e9 * _o.Concurrency / _o.Qps) : 0;
        long next = sim.Now + (interval > 0 ? interval * index / _o.Concurrency : 0);  // stagger workers
        HttpConnection? conn = null;
        while (true)
        {
            if (interval > 0 && next > sim.Now) await sim.Delay(next - sim.Now);
            if (!TakeTicket()) break;
            next += interval;
            long t0 = sim.Now;
            try
            {
                conn ??= new HttpConnection(await _host.ConnectAsync(_o.Target, _o.Port));
                await conn.WriteRequestAsync(HttpRequest.Get(_o.Path), $"{_o.Target}:{_o.Port}");
                var response = await WithTimeout(conn.ReadResponseAsync(), conn);
                _result.Latency.Record(sim.Now - t0);
                _result.StatusCodes[response.Status] = _result.StatusCodes.GetValueOrDefault(response.Status) + 1;
                if (string.Equals(response.Header("Connection"), "close", StringComparison.OrdinalIgnoreCase)) { conn.Socket.Close(); conn = null; }
            }
            catch (Exception e) when (e is TcpException or HttpFramingException or TimeoutException)
            {
                _result.Errors++;
                conn?.Socket.Abort();
                conn = null;
                if (interval == 0) await sim.Delay(SimTime.Millisecond);  // do not spin on a dead target
            }
        }
        conn?.Socket.Close();
        _result.ElapsedNs = Math.Max(_result.ElapsedNs, sim.Now - _start);
        if (--_running == 0) _done.SetResult(_result);
    }

    /// <summary>Races the response against the timeout; on expiry the connection is aborted, which
    /// fails the pending read.</summary>
    private async SimTask<HttpResponse> WithTimeout(SimTask<HttpResponse> response, HttpConnection conn)
    {
        bool finished = false;
        _host.Sim.Schedule(_o.TimeoutNs, () => { if (!finished) conn.Socket.Abort(); });
        try { return await response; }
        catch (TcpException e) when (e.Error == TcpError.Aborted) { throw new TimeoutException($"no response within {_o.TimeoutNs / 1e6} ms"); }
        finally { finished = true; }
    }
}
