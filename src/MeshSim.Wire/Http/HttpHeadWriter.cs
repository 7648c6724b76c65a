using System.Buffers.Text;
using static MeshSim.Wire.HttpCharacterClasses;

namespace MeshSim.Wire;

/// <summary>Why <see cref="HttpHeadWriter"/> refused to write.</summary>
public enum HttpWriteError : byte
{
    /// <summary>No error.</summary>
    None,
    /// <summary>The destination is too small.</summary>
    DestinationTooSmall,
    /// <summary>Calls out of order: start line first and once, headers, then <see cref="HttpHeadWriter.End"/>.</summary>
    OutOfOrder,
    /// <summary>The method is empty or not a token.</summary>
    InvalidMethod,
    /// <summary>The target is empty or holds a byte outside VCHAR.</summary>
    InvalidTarget,
    /// <summary>The status code is outside 100-999.</summary>
    InvalidStatusCode,
    /// <summary>The reason phrase holds a control byte.</summary>
    InvalidReasonPhrase,
    /// <summary>The header name is empty or not a token.</summary>
    InvalidHeaderName,
    /// <summary>The header value holds a control byte (CR/LF would inject lines) or starts/ends with whitespace.</summary>
    InvalidHeaderValue,
}

/// <summary>
/// Writes an HTTP/1.1 head into a span without allocating: one start line, header fields, then
/// <see cref="End"/>. Every method validates what it writes (no CR/LF injection, tokens are tokens)
/// so that the output always parses with <see cref="HttpHeadParser"/>; a refused call returns false,
/// writes nothing more, and leaves the reason in <see cref="Error"/>. Once an error occurs all later
/// calls return false.
/// </summary>
/// <example><code>
/// var w = new HttpHeadWriter(buffer);
/// w.RequestLine(HttpMethodKind.Get, "/api/list"u8);
/// w.Header("Host"u8, "localhost:8080"u8);
/// w.End();
/// if (w.Error == HttpWriteError.None) send(buffer[..w.Written]);
/// </code></example>
public ref struct HttpHeadWriter
{
    private readonly Span<byte> _destination;
    private int _written;
    private State _state;

    private enum State : byte { Start, Fields, Done }

    /// <summary>Starts writing at the beginning of <paramref name="destination"/>.</summary>
    public HttpHeadWriter(Span<byte> destination)
    {
        _destination = destination;
        _written = 0;
        _state = State.Start;
        Error = HttpWriteError.None;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Written => _written;

    /// <summary>The first refusal, or <see cref="HttpWriteError.None"/>.</summary>
    public HttpWriteError Error { get; private set; }

    /// <summary>True after a successful <see cref="End"/>.</summary>
    public readonly bool IsComplete => _state == State.Done && Error == HttpWriteError.None;

    /// <summary>Writes "METHOD target HTTP/1.x CRLF" for a known method.</summary>
    public bool RequestLine(HttpMethodKind method, scoped ReadOnlySpan<byte> target, HttpVersionKind version = HttpVersionKind.Http11)
    {
        var token = HttpMethods.Token(method);
        return token.IsEmpty ? Refuse(HttpWriteError.InvalidMethod) : RequestLine(token, target, version);
    }

    /// <summary>Writes "METHOD target HTTP/1.x CRLF" for any method token.</summary>
    public bool RequestLine(scoped ReadOnlySpan<byte> method, scoped ReadOnlySpan<byte> target, HttpVersionKind version = HttpVersionKind.Http11)
    {
        if (!Ready(State.Start)) return false;
        if (method.IsEmpty || method.IndexOfAnyExcept(Token) >= 0) return Refuse(HttpWriteError.InvalidMethod);
        if (target.IsEmpty || target.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7E) >= 0) return Refuse(HttpWriteError.InvalidTarget);
        var v = HttpVersions.Text(version);
        if (!Fits(method.Length + 1 + target.Length + 1 + v.Length + 2)) return false;
        Put(method); Put((byte)' '); Put(target); Put((byte)' '); Put(v); Put("\r\n"u8);
        _state = State.Fields;
        return true;
    }

    /// <summary>Writes "HTTP/1.x code reason CRLF"; the reason defaults to the standard phrase of the code.</summary>
    public bool StatusLine(int statusCode, HttpVersionKind version = HttpVersionKind.Http11) =>
        StatusLine(statusCode, HttpStatusReasons.Phrase(statusCode), version);

    /// <summary>Writes "HTTP/1.x code reason CRLF" with the given reason phrase (may be empty).</summary>
    public bool StatusLine(int statusCode, scoped ReadOnlySpan<byte> reason, HttpVersionKind version = HttpVersionKind.Http11)
    {
        if (!Ready(State.Start)) return false;
        if (statusCode is < 100 or > 999) return Refuse(HttpWriteError.InvalidStatusCode);
        if (reason.IndexOfAny(NotFieldContent) >= 0) return Refuse(HttpWriteError.InvalidReasonPhrase);
        var v = HttpVersions.Text(version);
        if (!Fits(v.Length + 5 + reason.Length + 2)) return false;
        Put(v); Put((byte)' ');
        Put((byte)('0' + statusCode / 100)); Put((byte)('0' + statusCode / 10 % 10)); Put((byte)('0' + statusCode % 10));
        Put((byte)' '); Put(reason); Put("\r\n"u8);
        _state = State.Fields;
        return true;
    }

    /// <summary>Writes "name: value CRLF".</summary>
    public bool Header(scoped ReadOnlySpan<byte> name, scoped ReadOnlySpan<byte> value)
    {
        if (!Ready(State.Fields)) return false;
        if (name.IsEmpty || name.IndexOfAnyExcept(Token) >= 0) return Refuse(HttpWriteError.InvalidHeaderName);
        if (value.IndexOfAny(NotFieldContent) >= 0
            || (!value.IsEmpty && (IsWhitespace(value[0]) || IsWhitespace(value[^1]))))
            return Refuse(HttpWriteError.InvalidHeaderValue);
        if (!Fits(name.Length + 2 + value.Length + 2)) return false;
        Put(name); Put(": "u8); Put(value); Put("\r\n"u8);
        return true;
    }

    /// <summary>Writes a header with a non-negative integer value (e.g. Content-Length).</summary>
    public bool Header(scoped ReadOnlySpan<byte> name, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        if (value < 0 || !Utf8Formatter.TryFormat(value, digits, out int n)) return Refuse(HttpWriteError.InvalidHeaderValue);
        return Header(name, digits[..n]);
    }

    /// <summary>Writes a header from .NET strings; characters above U+00FF are refused (HTTP fields are bytes, Latin-1 at most).</summary>
    public bool Header(string name, string value)
    {
        if (!Ready(State.Fields)) return false;
        int need = name.Length + value.Length;
        Span<byte> scratch = need <= 512 ? stackalloc byte[need] : new byte[need];
        if (!TryLatin1(name, scratch[..name.Length])) return Refuse(HttpWriteError.InvalidHeaderName);
        if (!TryLatin1(value, scratch[name.Length..])) return Refuse(HttpWriteError.InvalidHeaderValue);
        return Header(scratch[..name.Length], scratch[name.Length..need]);
    }

    /// <summary>Writes the blank line that ends the head.</summary>
    public bool End()
    {
        if (!Ready(State.Fields)) return false;
        if (!Fits(2)) return false;
        Put("\r\n"u8);
        _state = State.Done;
        return true;
    }

    private static bool TryLatin1(string s, Span<byte> destination)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] > 0xFF) return false;
            destination[i] = (byte)s[i];
        }
        return true;
    }

    private bool Ready(State expected) =>
        Error == HttpWriteError.None && (_state == expected || Refuse(HttpWriteError.OutOfOrder));

    private bool Fits(int length) =>
        _destination.Length - _written >= length || Refuse(HttpWriteError.DestinationTooSmall);

    private bool Refuse(HttpWriteError error)
    {
        if (Error == HttpWriteError.None) Error = error;
        return false;
    }

    private void Put(scoped ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_destination[_written..]);
        _written += bytes.Length;
    }

    private void Put(byte b) => _destination[_written++] = b;
}
