using System.Buffers;
using static MeshSim.Wire.HttpCharacterClasses;

namespace MeshSim.Wire;

/// <summary>
/// Zero-allocation parser of HTTP/1.1 message heads (RFC 9112 sections 2-5): request line or status
/// line, then header fields, then the blank line. Body framing is the caller's business.
/// </summary>
/// <remarks>
/// <para>How it works. The input is everything received so far on the connection (or a sequence of
/// segments). First one vectorised search looks for CRLFCRLF. If found, the head ends there at the
/// latest, and a single pass parses it line by line and feeds the sink. If not found (or only bare
/// LF line ends are present), a validation-only pass with a no-op sink decides between
/// <see cref="HttpParseStatus.NeedMoreData"/> (a valid prefix), <see cref="HttpParseStatus.Invalid"/>
/// (garbage is rejected as soon as it arrives, not when the head would end) and, when bare LF is
/// allowed, <see cref="HttpParseStatus.Complete"/>, after which the sink pass runs. So the sink never
/// sees a head that is not complete, and nothing needs to be remembered between calls: TCP may split
/// the input anywhere.</para>
/// <para>Strictness (RFC 9112): single SP separators in the start line; no whitespace before a
/// header's colon; no obs-fold; control bytes rejected except HTAB in values; CR only before LF.
/// A bare LF line ending is rejected unless <see cref="HttpParserOptions.AllowBareLineFeed"/>, and
/// counted when accepted. Never throws; errors carry the byte offset and the escaped line.</para>
/// </remarks>
public static class HttpHeadParser
{
    /// <summary>First byte of a TLS handshake record (ClientHello/ServerHello).</summary>
    private const byte TlsHandshakeRecord = 0x16;

    /// <summary>Parses a request head from the start of <paramref name="input"/>.</summary>
    public static HttpHeadResult ParseRequest<TSink>(ReadOnlySpan<byte> input, ref TSink sink, HttpParserOptions options = default)
        where TSink : struct, IHttpHeadSink, allows ref struct
        => Parse(input, ref sink, isRequest: true, options);

    /// <summary>Parses a response head from the start of <paramref name="input"/>.</summary>
    public static HttpHeadResult ParseResponse<TSink>(ReadOnlySpan<byte> input, ref TSink sink, HttpParserOptions options = default)
        where TSink : struct, IHttpHeadSink, allows ref struct
        => Parse(input, ref sink, isRequest: false, options);

    /// <summary>Parses a request head from a (possibly multi-segment) sequence. A head split across
    /// segments is copied once into a pooled buffer of at most <see cref="HttpParserOptions.MaxHeadLength"/> bytes;
    /// the spans given to the sink then point into that buffer.</summary>
    public static HttpHeadResult ParseRequest<TSink>(in ReadOnlySequence<byte> input, ref TSink sink, HttpParserOptions options = default)
        where TSink : struct, IHttpHeadSink, allows ref struct
        => Parse(input, ref sink, isRequest: true, options);

    /// <summary>Parses a response head from a (possibly multi-segment) sequence; see the request overload.</summary>
    public static HttpHeadResult ParseResponse<TSink>(in ReadOnlySequence<byte> input, ref TSink sink, HttpParserOptions options = default)
        where TSink : struct, IHttpHeadSink, allows ref struct
        => Parse(input, ref sink, isRequest: false, options);

    private static HttpHeadResult Parse<TSink>(in ReadOnlySequence<byte> input, ref TSink sink, bool isRequest, HttpParserOptions options)
        where TSink : struct, IHttpHeadSink, allows ref struct
    {
        if (input.IsSingleSegment) return Parse(input.FirstSpan, ref sink, isRequest, options);
        // A head never needs more than MaxHeadLength bytes to complete or to be declared too large.
        int length = (int)Math.Min(input.Length, options.EffectiveMaxHeadLength);
        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            input.Slice(0, length).CopyTo(rented);
            return Parse(rented.AsSpan(0, length), ref sink, isRequest, options);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static HttpHeadResult Parse<TSink>(ReadOnlySpan<byte> input, ref TSink sink, bool isRequest, HttpParserOptions options)
        where TSink : struct, IHttpHeadSink, allows ref struct
    {
        // A head that ends past the limit is too large anyway, so never search further than the limit
        // (a peer that streams megabytes without a blank line costs one bounded scan per call).
        int max = options.EffectiveMaxHeadLength;
        int end = (input.Length > max ? input[..max] : input).IndexOf("\r\n\r\n"u8);
        if (end >= 0)
        {
            // The head ends here at the latest (an earlier bare-LF blank line may end it sooner),
            // so this pass cannot run out of input.
            return ParseLines(input[..(end + 4)], ref sink, isRequest, options);
        }
        var validator = default(NullHttpHeadSink);
        var probe = ParseLines(input, ref validator, isRequest, options);
        if (probe.Status != HttpParseStatus.Complete) return probe;
        return ParseLines(input[..probe.Consumed], ref sink, isRequest, options);
    }

    private static HttpHeadResult ParseLines<TSink>(ReadOnlySpan<byte> input, ref TSink sink, bool isRequest, in HttpParserOptions options)
        where TSink : struct, IHttpHeadSink, allows ref struct
    {
        if (input.Length > 0 && input[0] == TlsHandshakeRecord)
            return Fail(HttpParseErrorKind.TlsHandshake, 0, input, 0);

        int max = options.EffectiveMaxHeadLength;
        int bareLineFeeds = 0;

        int lf = input.IndexOf((byte)'\n');
        if (lf < 0) return Incomplete(input, 0, isRequest, startLine: true, max);
        if (lf >= max) return Fail(HttpParseErrorKind.HeadTooLarge, max, input, 0);
        if (!TryLineEnd(input, 0, lf, options.AllowBareLineFeed, ref bareLineFeeds, out int contentEnd))
            return Fail(HttpParseErrorKind.BareLineFeed, lf, input, 0);
        var line = input[..contentEnd];

        var startError = isRequest ? ParseRequestLine(line, ref sink) : ParseStatusLine(line, ref sink);
        if (startError.Kind != HttpParseErrorKind.None)
            return Fail(startError.Kind, startError.Offset, input, 0);

        int maxHeaders = options.EffectiveMaxHeaderCount;
        int count = 0;
        int pos = lf + 1;
        while (true)
        {
            lf = input[pos..].IndexOf((byte)'\n');
            if (lf < 0) return Incomplete(input, pos, isRequest, startLine: false, max);
            int lineEnd = pos + lf;
            if (lineEnd >= max) return Fail(HttpParseErrorKind.HeadTooLarge, max, input, pos);
            if (!TryLineEnd(input, pos, lineEnd, options.AllowBareLineFeed, ref bareLineFeeds, out contentEnd))
                return Fail(HttpParseErrorKind.BareLineFeed, lineEnd, input, pos);
            line = input[pos..contentEnd];
            if (line.IsEmpty)
                return new HttpHeadResult(HttpParseStatus.Complete, lineEnd + 1, bareLineFeeds, default);
            if (++count > maxHeaders) return Fail(HttpParseErrorKind.TooManyHeaders, pos, input, pos);

            var fieldError = ParseHeaderLine(line, ref sink);
            if (fieldError.Kind != HttpParseErrorKind.None)
                return Fail(fieldError.Kind, pos + fieldError.Offset, input, pos);
            pos = lineEnd + 1;
        }
    }

    /// <summary>Where the content of the line from <paramref name="start"/> to the LF at <paramref name="lf"/>
    /// ends (before its CR). False when the line ends with a bare LF that is not allowed.</summary>
    private static bool TryLineEnd(ReadOnlySpan<byte> input, int start, int lf, bool allowBareLf, ref int bareLineFeeds, out int contentEnd)
    {
        if (lf > start && input[lf - 1] == (byte)'\r')
        {
            contentEnd = lf - 1;
            return true;
        }
        contentEnd = lf;
        if (!allowBareLf) return false;
        bareLineFeeds++;
        return true;
    }

    /// <summary>The input ends inside a line: reject what can never become valid, else ask for more.</summary>
    private static HttpHeadResult Incomplete(ReadOnlySpan<byte> input, int lineStart, bool isRequest, bool startLine, int max)
    {
        var partial = input[lineStart..];
        if (startLine && isRequest)
        {
            // Until the first SP, a request line is a method token.
            int sp = partial.IndexOf((byte)' ');
            var method = sp < 0 ? partial : partial[..sp];
            int bad = method.IndexOfAnyExcept(Token);
            if (bad >= 0 && !(sp < 0 && bad == method.Length - 1 && method[bad] == (byte)'\r'))
                return Fail(HttpParseErrorKind.InvalidMethod, lineStart + bad, input, lineStart);
            if (sp == 0) return Fail(HttpParseErrorKind.InvalidMethod, lineStart, input, lineStart);
        }
        else if (!startLine && partial.Length > 0 && IsWhitespace(partial[0]))
        {
            return Fail(HttpParseErrorKind.ObsoleteLineFolding, lineStart, input, lineStart);
        }
        int ctl = partial.IndexOfAny(NotFieldContent);
        // A CR as the very last byte is the first half of a CRLF still in flight.
        if (ctl >= 0 && !(ctl == partial.Length - 1 && partial[ctl] == (byte)'\r'))
            return Fail(partial[ctl] == (byte)'\r' ? HttpParseErrorKind.BareCarriageReturn : HttpParseErrorKind.ControlCharacter,
                        lineStart + ctl, input, lineStart);
        if (input.Length >= max) return Fail(HttpParseErrorKind.HeadTooLarge, max, input, lineStart);
        return HttpHeadResult.NeedMore;
    }

    /// <summary>method SP request-target SP HTTP-version; offsets in the result are from the line start.</summary>
    private static (HttpParseErrorKind Kind, int Offset) ParseRequestLine<TSink>(ReadOnlySpan<byte> line, ref TSink sink)
        where TSink : struct, IHttpHeadSink, allows ref struct
    {
        int sp1 = line.IndexOf((byte)' ');
        var method = sp1 < 0 ? line : line[..sp1];
        int bad = method.IndexOfAnyExcept(Token);
        if (bad >= 0) return (CrAware(HttpParseErrorKind.InvalidMethod, method[bad]), bad);
        if (method.IsEmpty) return (HttpParseErrorKind.InvalidMethod, 0);
        if (sp1 < 0) return (HttpParseErrorKind.InvalidMethod, line.Length);

        var rest = line[(sp1 + 1)..];
        int sp2 = rest.IndexOf((byte)' ');
        var target = sp2 < 0 ? rest : rest[..sp2];
        bad = target.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7E);
        if (bad >= 0) return (CrAware(HttpParseErrorKind.InvalidTarget, target[bad]), sp1 + 1 + bad);
        if (target.IsEmpty) return (HttpParseErrorKind.InvalidTarget, sp1 + 1);
        if (sp2 < 0) return (HttpParseErrorKind.InvalidVersion, line.Length);

        int versionOffset = sp1 + 1 + sp2 + 1;
        var versionError = ParseVersion(line[versionOffset..], out var version);
        if (versionError != HttpParseErrorKind.None) return (versionError, versionOffset);

        sink.OnRequestLine(HttpMethods.Classify(method), method, target, version);
        return default;
    }

    /// <summary>HTTP-version SP 3DIGIT [SP reason-phrase]; offsets in the result are from the line start.</summary>
    private static (HttpParseErrorKind Kind, int Offset) ParseStatusLine<TSink>(ReadOnlySpan<byte> line, ref TSink sink)
        where TSink : struct, IHttpHeadSink, allows ref struct
    {
        int sp = line.IndexOf((byte)' ');
        var versionError = ParseVersion(sp < 0 ? line : line[..sp], out var version);
        if (versionError != HttpParseErrorKind.None) return (versionError, 0);
        if (sp < 0) return (HttpParseErrorKind.InvalidStatusCode, line.Length);

        // sp == 8 here: a valid version is exactly 8 bytes.
        if (line.Length < 12) return (HttpParseErrorKind.InvalidStatusCode, 9);
        byte d0 = line[9], d1 = line[10], d2 = line[11];
        if (d0 is < (byte)'1' or > (byte)'9' || !char.IsAsciiDigit((char)d1) || !char.IsAsciiDigit((char)d2))
            return (HttpParseErrorKind.InvalidStatusCode, 9);
        int status = (d0 - '0') * 100 + (d1 - '0') * 10 + (d2 - '0');

        ReadOnlySpan<byte> reason = default;
        if (line.Length > 12)
        {
            // A missing reason phrase after the code's SP is fine (RFC 9112 4: the reason may be empty).
            if (line[12] != (byte)' ') return (HttpParseErrorKind.InvalidStatusCode, 12);
            reason = line[13..];
            int bad = reason.IndexOfAny(NotFieldContent);
            if (bad >= 0) return (CrAware(HttpParseErrorKind.InvalidReasonPhrase, reason[bad]), 13 + bad);
        }
        sink.OnStatusLine(version, status, reason);
        return default;
    }

    /// <summary>field-name ":" OWS field-value OWS; offsets in the result are from the line start.</summary>
    private static (HttpParseErrorKind Kind, int Offset) ParseHeaderLine<TSink>(ReadOnlySpan<byte> line, ref TSink sink)
        where TSink : struct, IHttpHeadSink, allows ref struct
    {
        // Fast path for the common well-formed line: name by table lookup up to ':', value trimmed
        // and checked in one vectorised search. Anything unusual goes to the detailed path below,
        // which alone decides what is wrong and where.
        var table = TokenTable;
        int i = 0;
        while ((uint)i < (uint)line.Length && (table[line[i]] & TokenBit) != 0) i++;
        if (i > 0 && (uint)i < (uint)line.Length && line[i] == (byte)':')
        {
            var value = TrimWhitespace(line[(i + 1)..], out _);
            if (value.IndexOfAny(NotFieldContent) < 0)
            {
                sink.OnHeader(line[..i], value);
                return default;
            }
        }
        return ParseHeaderLineDetailed(line, ref sink);
    }

    private static (HttpParseErrorKind Kind, int Offset) ParseHeaderLineDetailed<TSink>(ReadOnlySpan<byte> line, ref TSink sink)
        where TSink : struct, IHttpHeadSink, allows ref struct
    {
        if (IsWhitespace(line[0])) return (HttpParseErrorKind.ObsoleteLineFolding, 0);
        int colon = line.IndexOf((byte)':');
        var name = colon < 0 ? line : line[..colon];
        int bad = name.IndexOfAnyExcept(Token);
        if (bad >= 0)
        {
            byte b = name[bad];
            if (IsWhitespace(b))
            {
                bool onlyWhitespaceToColon = colon >= 0 && TrimWhitespace(name[bad..], out _).IsEmpty;
                return (onlyWhitespaceToColon ? HttpParseErrorKind.WhitespaceBeforeColon : HttpParseErrorKind.MissingColon, bad);
            }
            return (CrAware(HttpParseErrorKind.InvalidHeaderName, b), bad);
        }
        if (colon < 0) return (HttpParseErrorKind.MissingColon, line.Length);
        if (colon == 0) return (HttpParseErrorKind.InvalidHeaderName, 0);

        var value = TrimWhitespace(line[(colon + 1)..], out int leading);
        bad = value.IndexOfAny(NotFieldContent);
        if (bad >= 0) return (CrAware(HttpParseErrorKind.InvalidHeaderValue, value[bad]), colon + 1 + leading + bad);

        sink.OnHeader(name, value);
        return default;
    }

    private static HttpParseErrorKind ParseVersion(ReadOnlySpan<byte> text, out HttpVersionKind version)
    {
        version = HttpVersionKind.Http11;
        if (text.SequenceEqual("HTTP/1.1"u8)) return HttpParseErrorKind.None;
        if (text.SequenceEqual("HTTP/1.0"u8)) { version = HttpVersionKind.Http10; return HttpParseErrorKind.None; }
        bool wellFormed = text.Length == 8 && text.StartsWith("HTTP/"u8)
            && char.IsAsciiDigit((char)text[5]) && text[6] == (byte)'.' && char.IsAsciiDigit((char)text[7]);
        return wellFormed ? HttpParseErrorKind.UnsupportedVersion : HttpParseErrorKind.InvalidVersion;
    }

    /// <summary>A stray CR is a line-ending problem, whatever field it sits in.</summary>
    private static HttpParseErrorKind CrAware(HttpParseErrorKind kind, byte offending) =>
        offending == (byte)'\r' ? HttpParseErrorKind.BareCarriageReturn : kind;

    private static HttpHeadResult Fail(HttpParseErrorKind kind, int offset, ReadOnlySpan<byte> input, int lineStart) =>
        HttpHeadResult.Fail(HttpParseError.Create(kind, offset, input, lineStart));
}
