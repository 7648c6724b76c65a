namespace MeshSim.Wire;

/// <summary>
/// Limits and leniency of <see cref="HttpHeadParser"/>. <c>default</c> is the strict configuration
/// with the default limits (a limit of 0 or less means "use the default").
/// </summary>
/// <param name="AllowBareLineFeed">Accept a line ended by LF alone (RFC 9112 2.2 permits it; it has
/// fed request-smuggling bugs, so MeshSim is strict unless a scenario opts in). Accepted bare LFs
/// are counted in <see cref="HttpHeadResult.BareLineFeeds"/>.</param>
/// <param name="MaxHeadLength">Largest head in bytes, start line to the blank line inclusive.</param>
/// <param name="MaxHeaderCount">Largest number of header fields.</param>
public readonly record struct HttpParserOptions(bool AllowBareLineFeed = false, int MaxHeadLength = HttpParserOptions.DefaultMaxHeadLength, int MaxHeaderCount = HttpParserOptions.DefaultMaxHeaderCount)
{
    /// <summary>Default <see cref="MaxHeadLength"/>: 16 KiB.</summary>
    public const int DefaultMaxHeadLength = 16 * 1024;
    /// <summary>Default <see cref="MaxHeaderCount"/>: 100.</summary>
    public const int DefaultMaxHeaderCount = 100;

    /// <summary>Strict line endings, default limits.</summary>
    public static HttpParserOptions Strict => new(false);
    /// <summary>Bare LF accepted (and counted), default limits.</summary>
    public static HttpParserOptions Lenient => new(true);

    internal int EffectiveMaxHeadLength => MaxHeadLength > 0 ? MaxHeadLength : DefaultMaxHeadLength;
    internal int EffectiveMaxHeaderCount => MaxHeaderCount > 0 ? MaxHeaderCount : DefaultMaxHeaderCount;
}
