using System.Text.Json.Serialization;

namespace MeshSim.Control.Sources.Consul;

/// <summary>One entry of <c>GET /v1/health/service/:name</c>: the node, the service instance and its checks
/// (field names as Consul's API documents them).</summary>
public sealed record ConsulHealthEntry(
    [property: JsonPropertyName("Node")] ConsulNode Node,
    [property: JsonPropertyName("Service")] ConsulAgentService Service,
    [property: JsonPropertyName("Checks")] IReadOnlyList<ConsulCheck> Checks)
{
    /// <summary>Consul's aggregate: critical beats warning beats passing.</summary>
    public string AggregatedStatus =>
        Checks.Any(c => c.Status == "critical") ? "critical" : Checks.Any(c => c.Status == "warning") ? "warning" : "passing";
}

/// <summary>A catalog node.</summary>
public sealed record ConsulNode(
    [property: JsonPropertyName("Node")] string Name,
    [property: JsonPropertyName("Address")] string Address);

/// <summary>A registered service instance. <see cref="Address"/> may be empty: Consul then means the node's address.</summary>
public sealed record ConsulAgentService(
    [property: JsonPropertyName("ID")] string Id,
    [property: JsonPropertyName("Service")] string Name,
    [property: JsonPropertyName("Tags")] IReadOnlyList<string>? Tags,
    [property: JsonPropertyName("Address")] string? Address,
    [property: JsonPropertyName("Port")] int Port,
    [property: JsonPropertyName("Meta")] IReadOnlyDictionary<string, string>? Meta,
    [property: JsonPropertyName("Weights")] ConsulWeights? Weights);

/// <summary>Load-balancing weights by health state.</summary>
public sealed record ConsulWeights(
    [property: JsonPropertyName("Passing")] int Passing,
    [property: JsonPropertyName("Warning")] int Warning);

/// <summary>A health check's state.</summary>
public sealed record ConsulCheck(
    [property: JsonPropertyName("CheckID")] string? CheckId,
    [property: JsonPropertyName("Status")] string Status);

/// <summary>An intention from <c>GET /v1/connect/intentions</c>.</summary>
public sealed record ConsulIntention(
    [property: JsonPropertyName("SourceName")] string SourceName,
    [property: JsonPropertyName("DestinationName")] string DestinationName,
    [property: JsonPropertyName("Action")] string? Action,
    [property: JsonPropertyName("Precedence")] int Precedence);

/// <summary>The body of <c>PUT /v1/agent/service/register</c>.</summary>
public sealed record ConsulServiceRegistration(
    [property: JsonPropertyName("ID")] string Id,
    [property: JsonPropertyName("Name")] string Name,
    [property: JsonPropertyName("Address")] string Address,
    [property: JsonPropertyName("Port")] int Port,
    [property: JsonPropertyName("Tags")] IReadOnlyList<string>? Tags = null,
    [property: JsonPropertyName("Meta")] IReadOnlyDictionary<string, string>? Meta = null);

/// <summary>An answer of a blocking endpoint with the index to pass to the next call.</summary>
public readonly record struct ConsulResult<T>(T Value, ulong Index);
