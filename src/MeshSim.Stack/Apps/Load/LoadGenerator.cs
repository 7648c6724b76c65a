using MeshSim.Stack.Apps.Http;
using MeshSim.Stack.Async;
using MeshSim.Engine;
using MeshSim.Stack.Sockets;

namespace MeshSim.Stack.Apps.Load;

/// <summary>
/// A fortio-like HTTP load generator on a simulated host: C workers, each issuing requests back to
/// back (or paced for a QPS target), until N requests or the duration are done. Workers keep one
/// connection alive, or with <see cref="LoadOptions.KeepAlive"/> false open a new one per request
/// and send <c>Connection: close</c> (fortio <c>-keepalive=false</c>): the server closes first and
/// the worker moves on while its old connection reads the FIN and closes behind it.
/// Latency is request write to full response (connect included without keep-alive), in virtual time.
/// Every virtual second the run records connections opened, requests completed, connect failures
/// and the host's SYN retransmissions and RSTs (<see cref="LoadResult.Seconds"/>).
/// A run for a duration ends at the latest one request timeout after the duration: requests still
/// in flight then (a connect stuck in SYN retransmissions) are abandoned and counted in
/// <see cref="LoadResult.Abandoned"/>, as a load generator with a deadline gives up on them.
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
        _request = options.KeepAlive ? HttpRequest.Get(options.Path) : HttpRequest.Get(options.Path) with { Headers = [new("Connection", "close")] };
    }

    private readonly HttpRequest _request;

    /// <summary>Starts the load; the task completes with the results when every worker finished.</summary>
    public static SimTask<LoadResult> Run(Host host, LoadOptions options)
    {
        var g = new LoadGenerator(host, options);
        g._start = host.Sim.Now;
        g._stopAt = options.Requests > 0 ? long.MaxValue : g._start + options.DurationNs;
        g._running = options.Concurrency;
        g._sampledAt = g._start;
        g._last = Snapshot.Of(host, g._result);
        host.Sim.Schedule(SimTime.Second, g.Sample);
        if (options.Requests == 0) host.Sim.Schedule(options.DurationNs + options.TimeoutNs, g.Abandon);
        for (int i = 0; i < options.Concurrency; i++) { int w = i; host.Sim.Spawn(() => g.Worker(w)); }
        return g._done;
    }

    private long _sampledAt;
    private Snapshot _last;

    // Counter values the per-second series is made of differences of.
    private readonly record struct Snapshot(long Opened, long Completed, long ConnectFailures, long SynRetransmits, long InRsts, long OutRsts)
    {
        public static Snapshot Of(Host h, LoadResult r) =>
            new(r.ConnectionsOpened, r.Completed, r.ConnectFailureCount, h.Counters.TcpSynRetransmits, h.Counters.TcpInRsts, h.Counters.TcpOutRsts);
    }

    private void Sample()
    {
        if (_finished) return;
        var now = Snapshot.Of(_host, _result);
        _result.Seconds.Add(new LoadSecond((int)((_sampledAt - _start) / SimTime.Second), now.Opened - _last.Opened, now.Completed - _last.Completed,
            now.ConnectFailures - _last.ConnectFailures, now.SynRetransmits - _last.SynRetransmits, now.InRsts - _last.InRsts, now.OutRsts - _last.OutRsts));
        _last = now;
        _sampledAt = _host.Sim.Now;
        if (_running > 0) _host.Sim.Schedule(SimTime.Second, Sample);
        else _finished = true;
    }

    private bool _finished, _abandoned;

    // The deadline of a run for a duration: whoever is still running is left behind.
    private void Abandon()
    {
        if (_finished) return;
        _abandoned = true;
        _result.Abandoned = _running;
        _result.ElapsedNs = _host.Sim.Now - _start;
        if (_host.Sim.Now > _sampledAt) Sample();
        _finished = true;
        _done.SetResult(_result);
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
            if (conn is null)
            {
                try
                {
                    var socket = await _host.ConnectAsync(_o.Target, _o.Port);
                    if (_abandoned) { socket.Abort(); return; }
                    conn = new HttpConnection(socket);
                    _result.ConnectionsOpened++;
                }
                catch (TcpException e)
                {
                    if (_abandoned) return;
                    _result.Errors++;
                    _result.ConnectFailures[e.Error] = _result.ConnectFailures.GetValueOrDefault(e.Error) + 1;
                    if (interval == 0) await sim.Delay(SimTime.Millisecond);  // do not spin on a dead target
                    continue;
                }
            }
            try
            {
                await conn.WriteRequestAsync(_request, $"{_o.Target}:{_o.Port}");
                var response = await WithTimeout(conn.ReadResponseAsync(), conn);
                if (_abandoned) { conn.Socket.Abort(); return; }
                _result.Latency.Record(sim.Now - t0);
                _result.StatusCodes[response.Status] = _result.StatusCodes.GetValueOrDefault(response.Status) + 1;
                if (!_o.KeepAlive || string.Equals(response.Header("Connection"), "close", StringComparison.OrdinalIgnoreCase))
                {
                    var done = conn;
                    sim.Spawn(() => CloseAtEndOfStream(done));
                    conn = null;
                }
            }
            catch (Exception e) when (e is TcpException or HttpFramingException or TimeoutException)
            {
                if (_abandoned) { conn?.Socket.Abort(); return; }
                _result.Errors++;
                conn?.Socket.Abort();
                conn = null;
                if (interval == 0) await sim.Delay(SimTime.Millisecond);  // do not spin on a dead target
            }
        }
        conn?.Socket.Close();
        if (_abandoned) return;
        _result.ElapsedNs = Math.Max(_result.ElapsedNs, sim.Now - _start);
        if (--_running == 0)
        {
            if (_host.Sim.Now > _sampledAt) Sample();   // the last, partial second
            _finished = true;
            _done.SetResult(_result);
        }
    }

    // Like a real client after "Connection: close": read to the server's FIN, then close.
    private static async SimTask CloseAtEndOfStream(HttpConnection conn)
    {
        try { await conn.ReadToEndAsync(); }
        catch (TcpException) { }
        conn.Socket.Close();
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
