using System.Text;

namespace MeshSim.Stack.Apps.Http;

/// <summary>An HTTP/1.1 request as simulated applications see it (allocation is fine at this level).</summary>
public sealed record HttpRequest(string Method, string Path, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    /// <summary>A GET for <paramref name="path"/> with no extra headers.</summary>
    public static HttpRequest Get(string path) => new("GET", path, [], []);

    /// <summary>A POST of <paramref name="body"/>.</summary>
    public static HttpRequest Post(string path, byte[] body) => new("POST", path, [], body);

    /// <summary>First header named <paramref name="name"/> (case-insensitive), or null.</summary>
    public string? Header(string name) => HttpHeaders.Find(Headers, name);
}

/// <summary>An HTTP/1.1 response.</summary>
public sealed record HttpResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    /// <summary>A response with a body of <paramref name="size"/> filler bytes (a model payload).</summary>
    public static HttpResponse Ok(int size, string contentType = "application/json") =>
        new(200, [new("Content-Type", contentType)], HttpHeaders.Filler(size));

    /// <summary>A response with the given text.</summary>
    public static HttpResponse Text(int status, string text) =>
        new(status, [new("Content-Type", "text/plain")], Encoding.UTF8.GetBytes(text));

    /// <summary>First header named <paramref name="name"/> (case-insensitive), or null.</summary>
    public string? Header(string name) => HttpHeaders.Find(Headers, name);

    /// <summary>The body as UTF-8 text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>Header lookups and model payloads shared by requests and responses.</summary>
internal static class HttpHeaders
{
    public static string? Find(IReadOnlyList<KeyValuePair<string, string>> headers, string name)
    {
        foreach (var h in headers) if (string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)) return h.Value;
        return null;
    }

    /// <summary>Deterministic printable filler, so captures show readable bodies.</summary>
    public static byte[] Filler(int size)
    {
        var b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = (byte)('a' + i % 26);
        return b;
    }

    /// <summary>Headers after removing framing ones the connection layer writes itself.</summary>
    public static IEnumerable<KeyValuePair<string, string>> WithoutFraming(IReadOnlyList<KeyValuePair<string, string>> headers) =>
        headers.Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                        && !h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase));

    public static bool IsToken(string s) => s.Length > 0 && s.All(c => c < 128 && (char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)));
}
