using System.Text.Json.Serialization;

namespace MeshSim.Control.Sources.Consul;

/// <summary>
/// The JSON contracts of the Consul answers and requests, generated at compile time, so the client
/// works in the Native AOT tool (no reflection). Missing required fields and nulls where the model
/// has none are bad answers with a JSON path.
/// </summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = false, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(IReadOnlyDictionary<string, IReadOnlyList<string>>))]
[JsonSerializable(typeof(IReadOnlyList<ConsulHealthEntry>))]
[JsonSerializable(typeof(IReadOnlyList<ConsulIntention>))]
[JsonSerializable(typeof(ConsulServiceRegistration))]
internal sealed partial class ConsulJson : JsonSerializerContext;
