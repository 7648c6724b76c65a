using MeshSim.Stack.Async;
using MeshSim.Wire;

namespace MeshSim.Stack.Apps.HashiCups;

/// <summary>How one modelled service behaves: where it listens, how long a request occupies a CPU
/// core, and how big its answer is.</summary>
/// <param name="Port">Listening port.</param>
/// <param name="ServiceTimeNs">CPU time per request (queued on the host's cores).</param>
/// <param name="ResponseBytes">Body size of the answer.</param>
public sealed record ServiceModel(ushort Port, long ServiceTimeNs, int ResponseBytes);

/// <summary>Where a service is reachable (its address as clients dial it: a real or virtual IP).</summary>
public readonly record struct Endpoint(Ipv4Address Address, ushort Port)
{
    /// <summary>"10.0.0.3:9090".</summary>
    public override string ToString() => $"{Address}:{Port}";
}

/// <summary>
/// Defaults for the HashiCups demo (frontend, public-api, product-api, payments-api, postgres) with
/// the ports the real demo uses. Service times and sizes are modest guesses for a small VM; every
/// scenario can override them.
/// </summary>
public static class HashiCupsDefaults
{
    /// <summary>nginx serving the Next.js page and proxying /api.</summary>
    public static readonly ServiceModel Frontend = new(80, 200 * SimTime.Microsecond, 4096);
    /// <summary>GraphQL API in front of product-api and payments-api.</summary>
    public static readonly ServiceModel PublicApi = new(8080, 500 * SimTime.Microsecond, 1024);
    /// <summary>Coffee catalogue backed by postgres.</summary>
    public static readonly ServiceModel ProductApi = new(9090, 300 * SimTime.Microsecond, 2048);
    /// <summary>Payment processing (Java/Spring in the demo, hence the longer time).</summary>
    public static readonly ServiceModel PaymentsApi = new(8080, 1 * SimTime.Millisecond, 256);
    /// <summary>The database.</summary>
    public static readonly ServiceModel Postgres = new(5432, 400 * SimTime.Microsecond, 1536);
}
