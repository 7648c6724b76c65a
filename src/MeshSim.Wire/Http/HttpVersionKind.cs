namespace MeshSim.Wire;

/// <summary>The HTTP/1.x versions MeshSim speaks. Other "HTTP/d.d" versions are rejected as unsupported.</summary>
public enum HttpVersionKind : byte
{
    /// <summary>HTTP/1.1 (the default everywhere).</summary>
    Http11 = 0,
    /// <summary>HTTP/1.0.</summary>
    Http10 = 1,
}

/// <summary>The on-the-wire text of <see cref="HttpVersionKind"/> values.</summary>
public static class HttpVersions
{
    /// <summary>"HTTP/1.1" or "HTTP/1.0".</summary>
    public static ReadOnlySpan<byte> Text(HttpVersionKind version) => version == HttpVersionKind.Http10 ? "HTTP/1.0"u8 : "HTTP/1.1"u8;
}
