using System.Text.Json.Serialization;

namespace MeshSim.Control.Sources.Consul;

// Field names are Consul's (API docs; the shapes HashiCorp's own API double serves). Every field the
// controller relies on is a constructor parameter without a default, so an answer that lacks it is
// a bad answer naming the JSON path, never a null found later; optional ones have defaults. Fields
// not listed here (TaggedAddresses, Proxy, Checks[].Output, CreateIndex, ...) are ignored.

/// <summary>One entry of <c>GET /v1/health/service/:name</c>: the node, the service instance and its checks.</summary>
public sealed record ConsulHealthEntry(
    [property: JsonPropertyName("Node")] ConsulNode Node,
    [property: JsonPropertyName("Service")] ConsulAgentService Service,
    [property: JsonPropertyName("Checks")] IReadOnlyList<ConsulCheck> Checks)
{
    /// <summary>Consul's aggregate over the node's and the service's checks: critical beats warning beats passing
    /// (maintenance mode is a critical check, so it counts as critical too).</summary>
    public string AggregatedStatus =>
        Checks.Any(c => c.Status == "critical") ? "critical" : Checks.Any(c => c.Status == "warning") ? "warning" : "passing";
}

/// <summary>A catalog node.</summary>
public sealed record ConsulNode(
    [property: JsonPropertyName("Node")] string Name,
    [property: JsonPropertyName("Address")] string Address);

/// <summary>A registered service instance. <see cref="Address"/> may be empty: Consul then means the node's address.
/// <see cref="Kind"/> is empty for a typical service and names the proxy or gateway kind otherwise
/// (<c>connect-proxy</c>, <c>mesh-gateway</c>, <c>ingress-gateway</c>, <c>terminating-gateway</c>).</summary>
public sealed record ConsulAgentService(
    [property: JsonPropertyName("ID")] string Id,
    [property: JsonPropertyName("Service")] string Name,
    [property: JsonPropertyName("Tags")] IReadOnlyList<string>? Tags,
    [property: JsonPropertyName("Address")] string? Address,
    [property: JsonPropertyName("Port")] int Port,
    [property: JsonPropertyName("Meta")] IReadOnlyDictionary<string, string>? Meta = null,
    [property: JsonPropertyName("Weights")] ConsulWeights? Weights = null,
    [property: JsonPropertyName("Kind")] string? Kind = null);

/// <summary>Load-balancing weights by health state.</summary>
public sealed record ConsulWeights(
    [property: JsonPropertyName("Passing")] int Passing,
    [property: JsonPropertyName("Warning")] int Warning);

/// <summary>A health check's state.</summary>
public sealed record ConsulCheck(
    [property: JsonPropertyName("CheckID")] string? CheckId,
    [property: JsonPropertyName("Status")] string Status);

/// <summary>
/// An intention from <c>GET /v1/connect/intentions</c>. Consul has two forms: an L4 intention with an
/// <see cref="Action"/> (and, in the legacy API, an <see cref="Id"/>), and an L7 one (Consul 1.9+) with
/// no action but a list of <see cref="Permissions"/> that match HTTP paths, methods and headers.
/// </summary>
public sealed record ConsulIntention(
    [property: JsonPropertyName("SourceName")] string SourceName,
    [property: JsonPropertyName("DestinationName")] string DestinationName,
    [property: JsonPropertyName("Action")] string? Action = null,
    [property: JsonPropertyName("Precedence")] int Precedence = 0,
    [property: JsonPropertyName("ID")] string? Id = null,
    [property: JsonPropertyName("Permissions")] IReadOnlyList<ConsulIntentionPermission>? Permissions = null);

/// <summary>One L7 permission of an intention: an action for requests its HTTP match selects.</summary>
public sealed record ConsulIntentionPermission(
    [property: JsonPropertyName("Action")] string Action,
    [property: JsonPropertyName("HTTP")] ConsulIntentionHttpMatch? Http = null);

/// <summary>The HTTP part of an L7 permission (only what a rejection message needs to describe it).</summary>
public sealed record ConsulIntentionHttpMatch(
    [property: JsonPropertyName("PathExact")] string? PathExact = null,
    [property: JsonPropertyName("PathPrefix")] string? PathPrefix = null,
    [property: JsonPropertyName("PathRegex")] string? PathRegex = null,
    [property: JsonPropertyName("Methods")] IReadOnlyList<string>? Methods = null);

/// <summary>The body of <c>PUT /v1/agent/service/register</c>. Unset optional fields are left out of the JSON.</summary>
public sealed record ConsulServiceRegistration(
    [property: JsonPropertyName("ID")] string Id,
    [property: JsonPropertyName("Name")] string Name,
    [property: JsonPropertyName("Address")] string Address,
    [property: JsonPropertyName("Port")] int Port,
    [property: JsonPropertyName("Tags"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Tags = null,
    [property: JsonPropertyName("Meta"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Meta = null);

/// <summary>An answer of a blocking endpoint with the index to pass to the next call.</summary>
public readonly record struct ConsulResult<T>(T Value, ulong Index);
