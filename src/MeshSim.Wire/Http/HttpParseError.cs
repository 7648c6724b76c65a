using System.Text;

namespace MeshSim.Wire;

/// <summary>Why a head is invalid. Each kind names what was expected (see <see cref="HttpParseError.Expected"/>).</summary>
public enum HttpParseErrorKind : byte
{
    /// <summary>No error.</summary>
    None,
    /// <summary>A line ended with LF alone while bare LF is not allowed.</summary>
    BareLineFeed,
    /// <summary>A CR not followed by LF.</summary>
    BareCarriageReturn,
    /// <summary>The method is empty or not a token.</summary>
    InvalidMethod,
    /// <summary>The request target is empty or holds a byte outside VCHAR.</summary>
    InvalidTarget,
    /// <summary>The version is not of the form "HTTP/d.d", or the separators around it are wrong.</summary>
    InvalidVersion,
    /// <summary>A well-formed version other than HTTP/1.0 and HTTP/1.1.</summary>
    UnsupportedVersion,
    /// <summary>The status code is not three digits from 100 to 999.</summary>
    InvalidStatusCode,
    /// <summary>The reason phrase holds a control byte.</summary>
    InvalidReasonPhrase,
    /// <summary>A header name is empty or not a token.</summary>
    InvalidHeaderName,
    /// <summary>Whitespace between a header name and its colon (RFC 9112 5.1: must be rejected).</summary>
    WhitespaceBeforeColon,
    /// <summary>A header line without a colon.</summary>
    MissingColon,
    /// <summary>A header value holds a control byte.</summary>
    InvalidHeaderValue,
    /// <summary>A header line starting with whitespace (obsolete line folding, RFC 9112 5.2).</summary>
    ObsoleteLineFolding,
    /// <summary>The head is longer than <see cref="HttpParserOptions.MaxHeadLength"/>.</summary>
    HeadTooLarge,
    /// <summary>More header fields than <see cref="HttpParserOptions.MaxHeaderCount"/>.</summary>
    TooManyHeaders,
    /// <summary>The bytes start like a TLS handshake record: TLS was sent to a plain-HTTP endpoint.</summary>
    TlsHandshake,
    /// <summary>A control byte in a line that has not ended yet (found before the line's kind could be decided).</summary>
    ControlCharacter,
}

/// <summary>
/// Where and why a head is invalid: <see cref="Offset"/> is the byte offset of the offending byte
/// from the start of the parsed input, <see cref="Snippet"/> the offending line, escaped
/// (non-printable bytes as \xNN) and capped at <see cref="MaxSnippetBytes"/> input bytes.
/// </summary>
/// <remarks>Creating the snippet allocates a string; that happens only on invalid input, which ends the connection.</remarks>
public readonly record struct HttpParseError(HttpParseErrorKind Kind, int Offset, string Snippet)
{
    /// <summary>At most this many input bytes go into <see cref="Snippet"/>.</summary>
    public const int MaxSnippetBytes = 64;

    /// <summary>True when this is the "no error" value.</summary>
    public bool IsNone => Kind == HttpParseErrorKind.None;

    /// <summary>What the parser expected where it failed, in words.</summary>
    public string Expected => Kind switch
    {
        HttpParseErrorKind.None => "nothing",
        HttpParseErrorKind.BareLineFeed => "CRLF line ending (bare LF is not allowed)",
        HttpParseErrorKind.BareCarriageReturn => "LF after CR",
        HttpParseErrorKind.InvalidMethod => "a method token followed by one space",
        HttpParseErrorKind.InvalidTarget => "a non-empty request target of visible ASCII followed by one space",
        HttpParseErrorKind.InvalidVersion => "HTTP/1.1 or HTTP/1.0",
        HttpParseErrorKind.UnsupportedVersion => "HTTP/1.1 or HTTP/1.0",
        HttpParseErrorKind.InvalidStatusCode => "a three-digit status code 100-999 after one space",
        HttpParseErrorKind.InvalidReasonPhrase => "a reason phrase without control bytes",
        HttpParseErrorKind.InvalidHeaderName => "a header name token",
        HttpParseErrorKind.WhitespaceBeforeColon => "':' directly after the header name",
        HttpParseErrorKind.MissingColon => "'name: value'",
        HttpParseErrorKind.InvalidHeaderValue => "a header value without control bytes",
        HttpParseErrorKind.ObsoleteLineFolding => "a header name at the start of the line (obs-fold is not supported)",
        HttpParseErrorKind.HeadTooLarge => "the end of the head within the size limit",
        HttpParseErrorKind.TooManyHeaders => "no more header fields than the limit",
        HttpParseErrorKind.TlsHandshake => "plain HTTP (this looks like TLS sent to a plain-HTTP port)",
        HttpParseErrorKind.ControlCharacter => "visible characters, SP or HTAB (found a control byte)",
        _ => "valid HTTP/1.1",
    };

    /// <summary>e.g. <c>invalid HTTP head at byte 4 (InvalidTarget): expected a non-empty request target ...; line: "GET  / HTTP/1.1"</c>.</summary>
    public override string ToString() => Kind == HttpParseErrorKind.None
        ? "ok"
        : $"invalid HTTP head at byte {Offset} ({Kind}): expected {Expected}; line: \"{Snippet}\"";

    internal static HttpParseError Create(HttpParseErrorKind kind, int offset, ReadOnlySpan<byte> input, int lineStart)
    {
        lineStart = Math.Clamp(lineStart, 0, input.Length);
        var line = input[lineStart..];
        int lf = line.IndexOf((byte)'\n');
        if (lf >= 0) line = line[..(lf + 1)];
        return new HttpParseError(kind, offset, Escape(line));
    }

    /// <summary>Escapes bytes for display: printable ASCII as is (backslash and quote escaped), CR/LF/TAB as \r \n \t, others as \xNN.</summary>
    public static string Escape(ReadOnlySpan<byte> bytes)
    {
        bool capped = bytes.Length > MaxSnippetBytes;
        if (capped) bytes = bytes[..MaxSnippetBytes];
        var sb = new StringBuilder(bytes.Length + 8);
        foreach (byte b in bytes)
        {
            switch (b)
            {
                case (byte)'\r': sb.Append("\\r"); break;
                case (byte)'\n': sb.Append("\\n"); break;
                case (byte)'\t': sb.Append("\\t"); break;
                case (byte)'\\': sb.Append("\\\\"); break;
                case (byte)'"': sb.Append("\\\""); break;
                case >= 0x20 and < 0x7F: sb.Append((char)b); break;
                default: sb.Append("\\x").Append(b.ToString("X2")); break;
            }
        }
        if (capped) sb.Append("...");
        return sb.ToString();
    }
}

/// <summary>The outcome of one parse call.</summary>
/// <param name="Status">Complete, NeedMoreData or Invalid.</param>
/// <param name="Consumed">Bytes of the head including its blank line when Complete; 0 otherwise.</param>
/// <param name="BareLineFeeds">Lines ended by LF alone that were accepted (only with <see cref="HttpParserOptions.AllowBareLineFeed"/>).</param>
/// <param name="Error">Why the head is invalid; <c>default</c> unless Invalid.</param>
public readonly record struct HttpHeadResult(HttpParseStatus Status, int Consumed, int BareLineFeeds, HttpParseError Error)
{
    internal static HttpHeadResult NeedMore => new(HttpParseStatus.NeedMoreData, 0, 0, default);
    internal static HttpHeadResult Fail(HttpParseError error) => new(HttpParseStatus.Invalid, 0, 0, error);
}
