using System.Net;
using System.Text;
using MeshSim.Control.Registry;
using MeshSim.Control.Sources;
using MeshSim.Control.Sources.Consul;

namespace MeshSim.Fuzz.Targets;

/// <summary>
/// Consul HTTP API answers, through <see cref="ConsulClient"/> (an in-memory handler serves the
/// input as the body) and on into <see cref="RegistryMapping.FromConsul"/>. The first line picks the
/// endpoint: <c>C</c> catalog/services, <c>I</c> connect/intentions, anything else health/service.
/// Documented failures: <see cref="ConsulBadAnswerException"/> for the answer, <see cref="RegistryException"/>
/// for a registry that cannot be built; rejected instances are values.
/// </summary>
public sealed class ConsulTarget : FuzzTarget
{
    private sealed class Answer : HttpMessageHandler
    {
        public byte[] Body = [];
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var r = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Body) };
            r.Headers.Add("X-Consul-Index", "7");
            return Task.FromResult(r);
        }
    }

    private readonly Answer _answer = new();
    private readonly ConsulClient _client;

    /// <summary>A client over the in-memory answer.</summary>
    public ConsulTarget() => _client = new ConsulClient(new HttpClient(_answer), new Uri("http://consul.invalid:8500"));

    /// <inheritdoc/>
    public override string Name => "consul";
    /// <inheritdoc/>
    public override string Description => "Consul HTTP API answers (catalog, health, intentions) and their mapping to a registry";

    /// <inheritdoc/>
    public override IEnumerable<byte[]> Seeds(RepoFiles repo) => [];

    /// <inheritdoc/>
    public override IReadOnlyList<string> Dictionary =>
        ["\"Node\"", "\"Service\"", "\"Checks\"", "\"Status\"", "\"passing\"", "\"critical\"", "\"Meta\"", "\"meshsim-mac\"", "\"meshsim-upstreams\"", "\"meshsim-node\"",
         "\"Port\"", "\"Address\"", "\"Weights\"", "\"Kind\"", "\"connect-proxy\"", "\"SourceName\"", "\"DestinationName\"", "\"Action\"", "\"Permissions\"", "\"*\"",
         "null", "-1", "65536", "2147483648", "1e3", "\"\\ud800\"", "[", "]", "{", "}", ",", ":", "\"a:1,b:99999\"", "\"a:\"", "\"\""];

    /// <inheritdoc/>
    public override IReadOnlyList<(string Open, string Close)> Nesting => [("[", "]"), ("{\"a\":", "}")];

    /// <inheritdoc/>
    public override string Run(byte[] input)
    {
        int nl = Array.IndexOf(input, (byte)'\n');
        char kind = input.Length > 0 ? (char)input[0] : 'H';
        _answer.Body = nl < 0 ? input : input[(nl + 1)..];
        try
        {
            switch (kind)
            {
                case 'C':
                    return $"catalog {_client.CatalogServicesAsync(0, TimeSpan.Zero, default).GetAwaiter().GetResult().Value.Count > 0}";
                case 'I':
                {
                    var intentions = _client.IntentionsAsync(0, TimeSpan.Zero, default).GetAwaiter().GetResult().Value;
                    var m = RegistryMapping.FromConsul(new ConsulSnapshot(new Dictionary<string, IReadOnlyList<ConsulHealthEntry>>(), intentions, 7));
                    return m.Rejected.Count == 0 ? "intentions ok" : Outcome(m.Rejected[0]);
                }
                default:
                {
                    var entries = _client.HealthServiceAsync("product-api", passingOnly: kind == 'P', 0, TimeSpan.Zero, default).GetAwaiter().GetResult().Value;
                    var m = RegistryMapping.FromConsul(new ConsulSnapshot(new Dictionary<string, IReadOnlyList<ConsulHealthEntry>> { ["product-api"] = entries }, [], 7));
                    return m.Rejected.Count == 0 ? "health ok" : Outcome(m.Rejected[0]);
                }
            }
        }
        catch (ConsulBadAnswerException e) { return Outcome(e.Message); }
        catch (RegistryException e) { return Outcome(e.Message); }
    }
}
