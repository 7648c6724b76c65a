namespace MeshSim.Wire;

/// <summary>The three outcomes of parsing an HTTP/1.1 message head.</summary>
public enum HttpParseStatus : byte
{
    /// <summary>The bytes so far are a valid prefix of a head that has not ended yet. Nothing was
    /// consumed and the sink saw nothing: call again with the same bytes plus more.</summary>
    NeedMoreData,
    /// <summary>A whole head was parsed; the result says how many bytes it took (body bytes follow).</summary>
    Complete,
    /// <summary>The bytes can never become a valid head; the result's error says where and why.</summary>
    Invalid,
}
