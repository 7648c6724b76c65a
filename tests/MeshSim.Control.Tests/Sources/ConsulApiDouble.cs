using MeshSim.Control.Tests.RealOvs;

namespace MeshSim.Control.Tests.Sources;

/// <summary>
/// HashiCorp's Consul API double (npm <c>@hashicorp/consul-api-double</c> served by <c>@hashicorp/api-double</c>),
/// started once for the test collection by tools/consul-api-double/double.sh on 127.0.0.1 and a free
/// port. Without node the tests are skipped on a developer machine and fail under CI, like the
/// other tests of real tools.
/// </summary>
public sealed class ConsulApiDouble : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("consul-api-double-").FullName;
    private readonly string _script = Path.Combine(Shell.RepoRoot(), "tools", "consul-api-double", "double.sh");

    public ConsulApiDouble()
    {
        if (!OnPath("node") || !OnPath("npm"))
        {
            Missing = "node and npm are not installed (Debian packages nodejs, npm; .ci/run installs them)";
            return;
        }
        var started = Shell.Run("bash", [_script, "start", _state], timeoutMs: 600_000).OrThrow("starting the Consul API double");
        BaseAddress = new Uri(started.Stdout.Trim() + "/");
    }

    /// <summary>Where the double listens (null when it could not be started for want of node).</summary>
    public Uri? BaseAddress { get; }

    /// <summary>Why the double is not there, or null.</summary>
    public string? Missing { get; }

    /// <summary>Skips the calling test when node is missing on a developer machine; under CI (env CI set),
    /// where .ci/run installs node, a missing double fails the test instead. Call first in every test.</summary>
    public void RequireOrSkip()
    {
        if (Missing is null) return;
        Skip.If(Environment.GetEnvironmentVariable("CI") is null, Missing);
        Assert.Fail("the Consul API double is needed under CI: " + Missing);
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, tool)));

    public void Dispose()
    {
        if (Missing is null) Shell.Run("bash", [_script, "stop", _state]);
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition("consul-api-double")]
public sealed class ConsulApiDoubleCollection : ICollectionFixture<ConsulApiDouble>;

/// <summary>
/// An HTTP handler for the double: sends the template variables as cookies (how api-double's
/// <c>env()</c> reads per-request settings such as CONSUL_NODE_COUNT) and keeps a copy of each
/// exchange, so a test can compare what the client parsed with the bytes HashiCorp's templates wrote.
/// </summary>
internal sealed class RecordingHandler(IReadOnlyDictionary<string, string> templateVariables)
    : DelegatingHandler(new HttpClientHandler { UseCookies = false })
{
    public sealed record Exchange(HttpMethod Method, Uri Uri, string? RequestBody, int Status, string? ConsulIndex, byte[] ResponseBody);

    public List<Exchange> Exchanges { get; } = new();

    /// <summary>Answers for a path this handler serves itself instead of the double (path -> (body, index)).</summary>
    public Dictionary<string, (string Body, string Index)> Overrides { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (templateVariables.Count > 0)
            request.Headers.Add("Cookie", string.Join("; ", templateVariables.Select(kv => $"{kv.Key}={kv.Value}")));
        var requestBody = request.Content is null ? null : await request.Content.ReadAsStringAsync(ct);
        HttpResponseMessage response;
        if (Overrides.TryGetValue(request.RequestUri!.AbsolutePath, out var canned))
        {
            response = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent(canned.Body) };
            response.Headers.Add("X-Consul-Index", canned.Index);
        }
        else response = await base.SendAsync(request, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        lock (Exchanges)
            Exchanges.Add(new Exchange(request.Method, request.RequestUri!, requestBody, (int)response.StatusCode,
                response.Headers.TryGetValues("X-Consul-Index", out var v) ? v.First() : null, body));
        var copy = new ByteArrayContent(body);
        foreach (var h in response.Content.Headers) copy.Headers.TryAddWithoutValidation(h.Key, h.Value);
        response.Content = copy;
        return response;
    }

    public Exchange Last(string pathPrefix)
    {
        lock (Exchanges) return Exchanges.Last(e => e.Uri.AbsolutePath.StartsWith(pathPrefix, StringComparison.Ordinal));
    }
}
