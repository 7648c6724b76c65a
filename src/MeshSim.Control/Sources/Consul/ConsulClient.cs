using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MeshSim.Control.Sources.Consul;

/// <summary>
/// Consul's HTTP API, spoken directly (HttpClient + System.Text.Json): catalog services, health
/// per service, intentions, and agent registration. Read endpoints are blocking queries: pass the
/// last index and a wait time, get back the value and the next index (see <see cref="BlockingIndex"/>).
/// Failures are typed: <see cref="ConsulUnavailableException"/> for "could not ask" (connection,
/// timeout, 5xx) and <see cref="ConsulBadAnswerException"/> for "asked, got garbage", which names
/// the endpoint and the JSON position.
/// </summary>
public sealed class ConsulClient
{
    private readonly HttpClient _http;
    private readonly string? _token;

    /// <summary>Talks to the agent at <paramref name="baseAddress"/> (e.g. http://127.0.0.1:8500).
    /// <paramref name="token"/> is sent as X-Consul-Token when set.</summary>
    public ConsulClient(HttpClient http, Uri baseAddress, string? token = null)
    {
        _http = http;
        _token = token;
        BaseAddress = baseAddress;
    }

    /// <summary>The agent's address.</summary>
    public Uri BaseAddress { get; }

    /// <summary>
    /// How much longer than the wait time a blocking query may take before it counts as timed out.
    /// Consul adds up to wait/16 of jitter to the wait; this is on top, for the network. A server
    /// that ignores <c>wait</c> (HashiCorp's API double holds every blocking request 60 s) must not
    /// hang the watcher.
    /// </summary>
    public TimeSpan ResponseGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>GET /v1/catalog/services</c>: service name -> tags.</summary>
    public Task<ConsulResult<IReadOnlyDictionary<string, IReadOnlyList<string>>>> CatalogServicesAsync(ulong index, TimeSpan wait, CancellationToken ct) =>
        GetBlockingAsync<IReadOnlyDictionary<string, IReadOnlyList<string>>>("/v1/catalog/services", index, wait, ct);

    /// <summary><c>GET /v1/health/service/:name[?passing]</c>: the instances of one service with their checks.
    /// With <paramref name="passingOnly"/> the answer holds only instances whose every check passes, as
    /// Consul's filter promises, even from a server that ignores the filter (HashiCorp's API double does).</summary>
    public async Task<ConsulResult<IReadOnlyList<ConsulHealthEntry>>> HealthServiceAsync(string service, bool passingOnly, ulong index, TimeSpan wait, CancellationToken ct)
    {
        var result = await GetBlockingAsync<IReadOnlyList<ConsulHealthEntry>>(
            $"/v1/health/service/{Uri.EscapeDataString(service)}{(passingOnly ? "?passing" : "")}", index, wait, ct);
        if (!passingOnly || result.Value.All(e => e.Checks.All(c => c.Status == "passing"))) return result;
        return result with { Value = result.Value.Where(e => e.Checks.All(c => c.Status == "passing")).ToList() };
    }

    /// <summary><c>GET /v1/connect/intentions</c>.</summary>
    public Task<ConsulResult<IReadOnlyList<ConsulIntention>>> IntentionsAsync(ulong index, TimeSpan wait, CancellationToken ct) =>
        GetBlockingAsync<IReadOnlyList<ConsulIntention>>("/v1/connect/intentions", index, wait, ct);

    /// <summary><c>PUT /v1/agent/service/register</c>.</summary>
    public async Task RegisterAsync(ConsulServiceRegistration registration, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(BaseAddress, "/v1/agent/service/register")) { Content = JsonContent.Create(registration, ConsulJson.Default.ConsulServiceRegistration) };
        using var response = await SendAsync(request, "/v1/agent/service/register", ct, ct);
    }

    private async Task<ConsulResult<T>> GetBlockingAsync<T>(string path, ulong index, TimeSpan wait, CancellationToken ct)
    {
        var query = index == 0 ? "" : $"{(path.Contains('?') ? '&' : '?')}index={index}&wait={(long)wait.TotalMilliseconds}ms";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseAddress, path + query));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter((index == 0 ? TimeSpan.Zero : wait + wait / 16) + ResponseGrace);
        using var response = await SendAsync(request, path, deadline.Token, ct);

        if (!response.Headers.TryGetValues("X-Consul-Index", out var values) ||
            !ulong.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var next))
            throw new ConsulBadAnswerException(path, "missing or non-numeric X-Consul-Index header");

        byte[] body;
        try
        {
            body = await response.Content.ReadAsByteArrayAsync(deadline.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new ConsulUnavailableException(path, "the answer broke off or timed out: " + ex.Message, ex);
        }
        T? value;
        try
        {
            value = (T?)JsonSerializer.Deserialize(body, JsonOptions.GetTypeInfo(typeof(T)));   // the contract from ConsulJson: no reflection
        }
        catch (JsonException ex)
        {
            throw new ConsulBadAnswerException(path,
                $"invalid JSON at line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1} (path {ex.Path ?? "$"}): {FirstSentence(ex.Message)}");
        }
        if (value is null) throw new ConsulBadAnswerException(path, "the body was JSON null, expected a value");
        return new ConsulResult<T>(value, next);
    }

    /// <summary>Sends; <paramref name="ct"/> also carries the request deadline, <paramref name="caller"/> is the caller's own
    /// token (cancelled by the caller: propagate; cancelled by the deadline alone: a timeout).</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string path, CancellationToken ct, CancellationToken caller)
    {
        if (_token is not null) request.Headers.Add("X-Consul-Token", _token);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new ConsulUnavailableException(path, ex.Message, ex);
        }
        catch (OperationCanceledException ex) when (!caller.IsCancellationRequested)
        {
            throw new ConsulUnavailableException(path, "timed out", ex);
        }
        if (response.IsSuccessStatusCode) return response;
        string text;
        try { text = await response.Content.ReadAsStringAsync(ct); }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !caller.IsCancellationRequested) { text = "(body unreadable)"; }
        response.Dispose();
        var detail = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}: {Truncate(text.Trim(), 200)}";
        throw response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized or HttpStatusCode.NotFound or HttpStatusCode.BadRequest
            ? new ConsulBadAnswerException(path, detail)
            : new ConsulUnavailableException(path, detail, null);
    }

    // Source-generated contracts (ConsulJson): missing required fields and unexpected nulls are bad answers.
    private static readonly JsonSerializerOptions JsonOptions = ConsulJson.Default.Options;

    private static string FirstSentence(string message)
    {
        var dot = message.IndexOf(". ", StringComparison.Ordinal);
        return dot < 0 ? message : message[..(dot + 1)];
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";
}

/// <summary>Consul could not be asked: connection refused, timeout, or a 5xx answer. Worth retrying.</summary>
public sealed class ConsulUnavailableException(string path, string detail, Exception? inner)
    : Exception($"consul {path}: unavailable: {detail}", inner);

/// <summary>Consul answered something unusable: malformed JSON, a wrong shape, a missing index, or a 4xx (e.g. ACL denied).</summary>
public sealed class ConsulBadAnswerException(string path, string detail)
    : Exception($"consul {path}: bad answer: {detail}");
