using MeshSim.Stack.Async;
using MeshSim.Wire;

namespace MeshSim.Stack.Apps.Load;

/// <summary>
/// What the load generator does, as fortio's flags: <c>-n</c> requests or <c>-t</c> duration,
/// <c>-c</c> connections, <c>-qps</c> (0 = as fast as possible). Each connection is a keep-alive
/// worker issuing one request at a time; with a QPS target each worker paces at QPS/C (fortio's
/// default uniform spacing, no catch-up bursts).
/// </summary>
public sealed record LoadOptions
{
    /// <summary>Target address (a real or virtual IP).</summary>
    public required Ipv4Address Target { get; init; }
    /// <summary>Target port.</summary>
    public ushort Port { get; init; } = 80;
    /// <summary>Request path.</summary>
    public string Path { get; init; } = "/";
    /// <summary>Total requests (0 = run for <see cref="DurationNs"/>).</summary>
    public int Requests { get; init; }
    /// <summary>How long to run when <see cref="Requests"/> is 0.</summary>
    public long DurationNs { get; init; } = SimTime.Second;
    /// <summary>Concurrent connections (fortio -c).</summary>
    public int Concurrency { get; init; } = 4;
    /// <summary>Requests per second across all connections; 0 for no pacing.</summary>
    public double Qps { get; init; }
    /// <summary>False: one new connection per request with <c>Connection: close</c> (fortio -keepalive=false, wrk with that header).</summary>
    public bool KeepAlive { get; init; } = true;
    /// <summary>Per-request timeout; an expired request counts as an error and its connection is dropped.</summary>
    public long TimeoutNs { get; init; } = 5 * SimTime.Second;

    /// <summary>Checks the values; throws with the offending option named.</summary>
    public void Validate()
    {
        if (Concurrency < 1) throw new ArgumentOutOfRangeException(nameof(Concurrency), $"concurrency must be >= 1, got {Concurrency}");
        if (Requests < 0) throw new ArgumentOutOfRangeException(nameof(Requests), $"requests must be >= 0, got {Requests}");
        if (Requests == 0 && DurationNs <= 0) throw new ArgumentOutOfRangeException(nameof(DurationNs), "give a request count or a positive duration");
        if (Qps < 0 || double.IsNaN(Qps)) throw new ArgumentOutOfRangeException(nameof(Qps), $"qps must be >= 0, got {Qps}");
        if (!Path.StartsWith('/')) throw new ArgumentException($"path '{Path}' must start with '/'", nameof(Path));
    }
}
