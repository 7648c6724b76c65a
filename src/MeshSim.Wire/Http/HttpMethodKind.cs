namespace MeshSim.Wire;

/// <summary>
/// HTTP request methods known by code. The eight methods of RFC 9110 section 9 come first, in the
/// order the mesh header encodes them (1..8); PATCH (RFC 5789) is 9. Any other valid method token
/// is <see cref="Extension"/>, and its text travels beside the code.
/// </summary>
public enum HttpMethodKind : byte
{
    /// <summary>No method (a response, or nothing parsed yet).</summary>
    None = 0,
    /// <summary>GET.</summary>
    Get = 1,
    /// <summary>HEAD.</summary>
    Head = 2,
    /// <summary>POST.</summary>
    Post = 3,
    /// <summary>PUT.</summary>
    Put = 4,
    /// <summary>DELETE.</summary>
    Delete = 5,
    /// <summary>CONNECT.</summary>
    Connect = 6,
    /// <summary>OPTIONS.</summary>
    Options = 7,
    /// <summary>TRACE.</summary>
    Trace = 8,
    /// <summary>PATCH (RFC 5789).</summary>
    Patch = 9,
    /// <summary>Any other method token; the token itself is carried separately.</summary>
    Extension = 15,
}

/// <summary>Maps method tokens to <see cref="HttpMethodKind"/> and back. Method tokens are case-sensitive (RFC 9110 9.1).</summary>
public static class HttpMethods
{
    /// <summary>Classifies a method token; any token that is not a known method gives <see cref="HttpMethodKind.Extension"/>.
    /// The caller has already checked that <paramref name="token"/> is a valid token.</summary>
    public static HttpMethodKind Classify(ReadOnlySpan<byte> token) => token.Length switch
    {
        3 when token.SequenceEqual("GET"u8) => HttpMethodKind.Get,
        3 when token.SequenceEqual("PUT"u8) => HttpMethodKind.Put,
        4 when token.SequenceEqual("POST"u8) => HttpMethodKind.Post,
        4 when token.SequenceEqual("HEAD"u8) => HttpMethodKind.Head,
        5 when token.SequenceEqual("TRACE"u8) => HttpMethodKind.Trace,
        5 when token.SequenceEqual("PATCH"u8) => HttpMethodKind.Patch,
        6 when token.SequenceEqual("DELETE"u8) => HttpMethodKind.Delete,
        7 when token.SequenceEqual("OPTIONS"u8) => HttpMethodKind.Options,
        7 when token.SequenceEqual("CONNECT"u8) => HttpMethodKind.Connect,
        _ => HttpMethodKind.Extension,
    };

    /// <summary>True when <paramref name="b"/> may appear in a token (RFC 9110 tchar).</summary>
    public static bool IsTokenByte(byte b) => HttpCharacterClasses.Token.Contains(b);

    /// <summary>True for a non-empty token.</summary>
    public static bool IsToken(ReadOnlySpan<byte> s) => !s.IsEmpty && s.IndexOfAnyExcept(HttpCharacterClasses.Token) < 0;

    /// <summary>The token of a known method; empty for <see cref="HttpMethodKind.None"/> and <see cref="HttpMethodKind.Extension"/>.</summary>
    public static ReadOnlySpan<byte> Token(HttpMethodKind method) => method switch
    {
        HttpMethodKind.Get => "GET"u8,
        HttpMethodKind.Head => "HEAD"u8,
        HttpMethodKind.Post => "POST"u8,
        HttpMethodKind.Put => "PUT"u8,
        HttpMethodKind.Delete => "DELETE"u8,
        HttpMethodKind.Connect => "CONNECT"u8,
        HttpMethodKind.Options => "OPTIONS"u8,
        HttpMethodKind.Trace => "TRACE"u8,
        HttpMethodKind.Patch => "PATCH"u8,
        _ => default,
    };
}
