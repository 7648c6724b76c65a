using System.CommandLine;
using System.Net.Sockets;
using MeshSim.Io.Metrics;

namespace MeshSim.Cli.Commands;

/// <summary><c>--metrics-listen [ADDRESS:]PORT</c> of <c>emulate</c>, <c>lab</c> and <c>control</c>: serve
/// Prometheus <c>/metrics</c> there while the command runs (docs/metrics.md).</summary>
public static class MetricsListenOption
{
    /// <summary>A new instance of the option (each command holds its own).</summary>
    public static Option<string?> Create() => new("--metrics-listen")
    {
        Description = "serve Prometheus /metrics on [ADDRESS:]PORT while running (address 127.0.0.1 when only a port is given; port 0 picks a free one); see docs/metrics.md",
    };

    /// <summary>Starts the endpoint when the option was given; null otherwise.</summary>
    /// <exception cref="UsageException">Not an address, or it cannot be bound.</exception>
    public static MetricsEndpoint? Start(ParseResult p, Option<string?> option, Func<CancellationToken, Task<string?>> scrape)
    {
        if (p.GetValue(option) is not { } text) return null;
        if (!MetricsEndpoint.TryParseListen(text, out var at, out var error)) throw new UsageException("--metrics-listen: " + error);
        try
        {
            return new MetricsEndpoint(at, scrape);
        }
        catch (SocketException e)
        {
            throw new UsageException($"--metrics-listen: cannot listen on {text}: {e.Message}");
        }
    }
}
