using MeshSim.Cli.Scenario;
using MeshSim.Stack.Apps.Http;
using MeshSim.Stack.Apps.Load;
using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;

namespace MeshSim.Cli.Run;

/// <summary>What a run produced: the load results per traffic run and a verdict per expectation.</summary>
public sealed record RunReport(
    ScenarioSpec Scenario,
    ulong Seed,
    long EndedAtNs,
    long Events,
    string Fingerprint,
    IReadOnlyList<(TrafficSpec Spec, LoadResult? Result)> Traffic,
    IReadOnlyList<Verdict> Verdicts,
    IReadOnlyList<ConntrackSample>? Conntrack = null)
{
    /// <summary>True when every expectation held.</summary>
    public bool AllHeld => Verdicts.All(v => v.Held);
}

/// <summary>
/// Runs a scenario: starts every traffic run at its start time, advances virtual time until all of
/// them finished (or <c>until</c>), then checks the expectations. Reach/connect/deny expectations
/// are active probes made after the traffic from the client service's host to the upstream's bind
/// port on the virtual IP: reach sends <c>GET /</c> (a query to a postgres upstream) and holds when
/// a response arrives (any status: the exchange completed) within <see cref="ProbeTimeoutNs"/> plus <see cref="ExchangeTimeoutNs"/>;
/// connect holds when the handshake completes; deny holds when it does not within
/// <see cref="ProbeTimeoutNs"/> (a denied pair never sees a SYN-ACK).
/// </summary>
public static class ScenarioRun
{
    /// <summary>How long a probe waits for the handshake: three SYN retransmissions' worth at Linux's 1 s initial RTO.</summary>
    public const long ProbeTimeoutNs = 3_000_000_000;

    /// <summary>How long a reach probe waits for the response once connected (the upstream may call its own upstreams).</summary>
    public const long ExchangeTimeoutNs = 2_000_000_000;

    /// <summary>Builds the world and runs it; <paramref name="progress"/> hears the virtual time now and the
    /// scenario's limit as time advances (often: the listener throttles).</summary>
    public static RunReport Execute(ScenarioSpec spec, ulong? seed = null, Action<ScenarioWorld>? beforeRun = null, Action<long, long>? progress = null)
    {
        var expectations = Expectation.ParseAll(spec);
        var world = ScenarioWorld.Build(spec, seed);
        var fingerprint = new RunFingerprint();
        world.Network.AddObserver(fingerprint);
        beforeRun?.Invoke(world);
        var sim = world.Network.Sim;

        var runs = new List<(TrafficSpec Spec, SimTask<LoadResult>? Task)>();
        foreach (var t in spec.Traffic)
        {
            var (address, port, path) = ParseUrl(spec, t);
            var host = world.SourceHost(t.From, t.FromAt.Or(t.At));
            var index = runs.Count;
            runs.Add((t, null));
            sim.Schedule(t.StartNs, () => runs[index] = (t, LoadGenerator.Run(host, new LoadOptions
            {
                Target = address, Port = port, Path = path, Requests = t.Requests, Concurrency = t.Concurrency, Qps = t.Qps,
                KeepAlive = t.KeepAlive, DurationNs = t.DurationNs > 0 ? t.DurationNs : SimTime.Second,
            })));
        }
        // Churn runs want to see the connection table grow and drain, second by second of their traffic.
        ConntrackSampler? sampler = null;
        if (spec.Traffic.Where(t => !t.KeepAlive).Select(t => (long?)t.StartNs).Min() is { } churnStart && world.Switches.Count > 0)
            sim.Schedule(churnStart, () => sampler = new ConntrackSampler(world));
        // Advance until every run has finished, or the scenario's time limit.
        while (sim.Now < spec.UntilNs && (runs.Any(r => r.Task is null || !r.Task.IsCompleted)) && sim.NextEventTime is { } next)
        {
            sim.RunUntil(Math.Min(spec.UntilNs, next));
            progress?.Invoke(sim.Now, spec.UntilNs);
        }

        sampler?.Stop();

        var verdicts = new List<Verdict>();
        foreach (var e in expectations) verdicts.Add(Check(world, e, runs));
        return new RunReport(spec, sim.Seed, sim.Now, sim.EventsExecuted, fingerprint.Value,
            runs.Select(r => (r.Spec, r.Task is { IsCompleted: true, IsFaulted: false } task ? task.Result : null)).ToList(), verdicts,
            sampler?.Samples);
    }

    private static Verdict Check(ScenarioWorld world, Expectation e, List<(TrafficSpec Spec, SimTask<LoadResult>? Task)> runs)
    {
        var text = $"{e.Source.Kind}: {e.Source.Text}";
        switch (e)
        {
            case PairExpectation p:
            {
                var client = world.Spec.Services.First(s => s.Name == p.Client);
                var to = world.UpstreamEndpoint(client, p.Upstream);
                var host = world.SourceHost(p.Host ?? p.Client, p.Source.At);
                var connect = host.ConnectAsync(to.Address, to.Port);
                bool done = world.RunUntilDone(connect, ProbeTimeoutNs);
                bool established = done && !connect.IsFaulted;
                if (!established)
                {
                    string why = done ? $"refused: {connect.Exception?.Message}" : $"no SYN-ACK from {to} within {ScalarValues.FormatDuration(ProbeTimeoutNs)}";
                    return new Verdict(text, !p.Allowed, why);
                }
                if (!p.HttpExchange)
                {
                    connect.Result.Close();
                    return new Verdict(text, p.Allowed, $"connected to {to} from {host.Name}");
                }
                bool database = world.Spec.Services.First(s => s.Name == p.Upstream).App.Kind == "postgres";
                var (exchanged, observed) = database ? QueryProbe(world, connect.Result, host, to) : HttpProbe(world, connect.Result, to, host.Name);
                return new Verdict(text, exchanged, observed);
            }
            case LatencyExpectation l:
            {
                var result = runs.First(r => r.Spec.Name == l.Run).Task;
                if (result is not { IsCompleted: true, IsFaulted: false }) return new Verdict(text, false, "the run did not finish");
                var h = result.Result.Latency;
                if (h.Count == 0) return new Verdict(text, false, "no request completed");
                double value = l.Statistic switch
                {
                    "min" => h.Min, "avg" => h.Mean, "max" => h.Max,
                    "p50" => h.Percentile(50), "p90" => h.Percentile(90), _ => h.Percentile(99),
                };
                return new Verdict(text, Expectation.Compare(value, l.Op, l.BoundNs), $"{l.Statistic} = {LatencyHistogram.Ms(value)} ms");
            }
            case FlowExpectation f:
            {
                if (world.P4Switches.ContainsKey(f.Switch))
                    return new Verdict(text, false, $"{f.Switch} is a P4 switch: flow expectations read OpenFlow flow counters, which a P4 switch does not have");
                var bridge = world.Switches[f.Switch].Bridge;
                long total = 0;
                int flows = 0;
                foreach (var table in bridge.Tables)
                    foreach (var rule in table.Flows(world.Network.Sim.Now))
                        if (rule.Entry.Cookie == f.Cookie) { flows++; total += f.Counter == "n_packets" ? rule.Packets : rule.Bytes; }
                if (flows == 0) return new Verdict(text, false, $"no flow with cookie=0x{f.Cookie:x} on {f.Switch}");
                return new Verdict(text, Expectation.Compare(total, f.Op, f.Bound), $"{f.Counter} = {total} over {flows} flow(s)");
            }
            default:
                throw new InvalidOperationException($"unhandled expectation {e.GetType().Name}");
        }
    }

    // GET / on the probe's connection; the verdict's text says what came back.
    private static (bool Exchanged, string Observed) HttpProbe(ScenarioWorld world, TcpSocket socket, MeshSim.Stack.Apps.HashiCups.Endpoint to, string from)
    {
        var conn = new HttpConnection(socket);
        var exchange = Exchange(conn, to);
        bool done = world.RunUntilDone(exchange, ExchangeTimeoutNs);
        if (!done) { socket.Abort(); return (false, $"connected to {to}, but no HTTP response within {ScalarValues.FormatDuration(ExchangeTimeoutNs)}"); }
        if (exchange.IsFaulted) return (false, $"connected to {to}, but the exchange failed: {exchange.Exception?.InnerException?.Message ?? exchange.Exception?.Message}");
        socket.Close();
        return (true, $"{from} got HTTP {exchange.Result} from {to}");
    }

    // A postgres upstream speaks the database model's framing, not HTTP: one query through a driver-style client.
    private static (bool Exchanged, string Observed) QueryProbe(ScenarioWorld world, TcpSocket handshake, MeshSim.Stack.Host host, MeshSim.Stack.Apps.HashiCups.Endpoint to)
    {
        handshake.Close();
        var query = new MeshSim.Stack.Apps.HashiCups.DbService.Client(host, to).QueryAsync("SELECT 1");
        bool done = world.RunUntilDone(query, ProbeTimeoutNs + ExchangeTimeoutNs);
        if (!done) return (false, $"connected to {to}, but no query answer within {ScalarValues.FormatDuration(ProbeTimeoutNs + ExchangeTimeoutNs)}");
        if (query.IsFaulted) return (false, $"connected to {to}, but the query failed: {query.Exception?.Message}");
        return (true, $"{host.Name} got a query answer ({query.Result.Length} bytes) from {to}");
    }

    private static async SimTask<int> Exchange(HttpConnection conn, MeshSim.Stack.Apps.HashiCups.Endpoint to)
    {
        await conn.WriteRequestAsync(HttpRequest.Get("/"), $"{to.Address}:{to.Port}");
        return (await conn.ReadResponseAsync()).Status;
    }

    private static (MeshSim.Wire.Ipv4Address, ushort, string) ParseUrl(ScenarioSpec spec, TrafficSpec t)
    {
        var uri = new Uri(t.Url);
        if (!MeshSim.Wire.Ipv4Address.TryParse(uri.Host, out var address))
            throw new ScenarioException(spec.SourcePath, t.At, $"url host must be an IPv4 address (there is no DNS in the mesh), got \"{uri.Host}\"");
        return (address, (ushort)(uri.IsDefaultPort ? 80 : uri.Port), uri.PathAndQuery);
    }
}
