using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MeshSim.Wire;

namespace MeshSim.Wire.Tests.Http;

/// <summary>Generators of valid HTTP heads, built field by field (no filtering).</summary>
public static class HttpGenerators
{
    private const string TokenChars = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static Gen<string> Token(int maxLength) =>
        Gen.Choose(1, maxLength).SelectMany(n => Gen.Elements(TokenChars.ToCharArray()).ArrayOf(n)).Select(cs => new string(cs));

    public static Gen<string> Target =>
        Gen.Choose(1, 40).SelectMany(n => Gen.Choose(0x21, 0x7E).ArrayOf(n)).Select(cs => "/" + new string(cs.Select(c => (char)c).ToArray()));

    /// <summary>Field values: visible ASCII, SP, HTAB, obs-text; no surrounding whitespace.</summary>
    public static Gen<string> Value =>
        Gen.Choose(0, 30).SelectMany(n => Gen.OneOf(Gen.Choose(0x21, 0x7E), Gen.Choose(0x80, 0xFF), Gen.Constant(0x20), Gen.Constant(0x09)).ArrayOf(n))
           .Select(cs => new string(cs.Select(c => (char)c).ToArray()).Trim(' ', '\t'));

    public static Gen<KeyValuePair<string, string>> Header =>
        from name in Token(20) from value in Value select new KeyValuePair<string, string>(name, value);

    public static Gen<HttpHead> Request =>
        from method in Gen.OneOf(Gen.Elements("GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"), Token(10))
        from target in Target
        from headers in Header.ArrayOf().Select(a => a.Take(12).ToArray())
        from version in Gen.Elements(HttpVersionKind.Http11, HttpVersionKind.Http10)
        select HttpHead.Request(method, target, headers, version);

    public static Gen<HttpHead> Response =>
        from status in Gen.Choose(100, 999)
        from headers in Header.ArrayOf().Select(a => a.Take(12).ToArray())
        from reason in Value
        select HttpHead.Response(status, headers, reason);

    public static Arbitrary<HttpHead> Heads() => Arb.From(Gen.OneOf(Request, Response));
}

public class HttpHeadProperties
{
    [Property(MaxTest = 2000)]
    public bool Parser_never_throws_on_any_bytes(byte[] bytes, bool lenient)
    {
        var sink = new RecordingSink();
        var options = new HttpParserOptions(AllowBareLineFeed: lenient);
        var r1 = HttpHeadParser.ParseRequest(bytes, ref sink, options);
        var r2 = HttpHeadParser.ParseResponse(bytes, ref sink, options);
        return Consistent(r1, bytes.Length) && Consistent(r2, bytes.Length);
    }

    [Property(MaxTest = 1000)]
    public bool Parser_never_throws_on_http_like_bytes(NonEmptyString seed, byte[] noise, int cut)
    {
        // Mostly-valid heads with bytes spliced in: exercises the deep branches that random bytes never reach.
        var text = Encoding.Latin1.GetBytes("GET /" + seed.Get + " HTTP/1.1\r\nHost: a\r\nX: " + seed.Get + "\r\n\r\n");
        int at = (int)((uint)cut % (uint)text.Length);
        var bytes = text[..at].Concat(noise).Concat(text[at..]).ToArray();
        var sink = new RecordingSink();
        var r = HttpHeadParser.ParseRequest(bytes, ref sink, HttpParserOptions.Lenient);
        return Consistent(r, bytes.Length);
    }

    [Property(Arbitrary = [typeof(HttpGenerators)], MaxTest = 500)]
    public bool Written_heads_parse_back_to_the_same_fields(HttpHead head)
    {
        var bytes = head.ToBytes();
        var r = head.IsRequest ? HttpHead.ParseRequest(bytes, out var parsed) : HttpHead.ParseResponse(bytes, out parsed);
        return r.Status == HttpParseStatus.Complete && r.Consumed == bytes.Length && parsed!.ToString() == head.ToString()
            && parsed.Headers.SequenceEqual(head.Headers);
    }

    [Property(Arbitrary = [typeof(HttpGenerators)], MaxTest = 200)]
    public bool Every_prefix_of_a_written_head_needs_more_data(HttpHead head)
    {
        var bytes = head.ToBytes();
        for (int cut = 0; cut < bytes.Length; cut++)
        {
            var sink = new RecordingSink();
            var r = head.IsRequest
                ? HttpHeadParser.ParseRequest(bytes.AsSpan(0, cut), ref sink)
                : HttpHeadParser.ParseResponse(bytes.AsSpan(0, cut), ref sink);
            if (r.Status != HttpParseStatus.NeedMoreData || sink.Calls.Count != 0) return false;
        }
        return true;
    }

    private static bool Consistent(HttpHeadResult r, int length) => r.Status switch
    {
        HttpParseStatus.Complete => r.Consumed > 0 && r.Consumed <= length && r.Error.IsNone,
        HttpParseStatus.NeedMoreData => r.Consumed == 0 && r.Error.IsNone,
        _ => r.Consumed == 0 && !r.Error.IsNone && r.Error.Offset >= 0 && r.Error.Offset <= Math.Max(length, HttpParserOptions.DefaultMaxHeadLength),
    };
}
