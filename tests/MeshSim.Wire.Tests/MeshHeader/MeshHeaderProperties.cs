using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MeshSim.Wire;
using MeshSim.Wire.Tests.Http;

namespace MeshSim.Wire.Tests.MeshHeader;

/// <summary>Generators of valid mesh header reprs, built within the format's limits (no filtering).</summary>
public static class MeshGenerators
{
    private const string LowerTokenChars = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz";

    private static Gen<string> Label =>
        Gen.Choose(1, MeshHeaderFormat.MaxLabelLength).SelectMany(n => Gen.Elements(LowerTokenChars.ToCharArray()).ArrayOf(n)).Select(c => new string(c));

    private static Gen<string> Value(int max) =>
        Gen.Choose(0, max).SelectMany(n => Gen.OneOf(Gen.Choose(0x21, 0x7E), Gen.Choose(0x80, 0xFF), Gen.Constant(0x20)).ArrayOf(n))
           .Select(cs => new string(cs.Select(c => (char)c).ToArray()).Trim(' '));

    private static Gen<string> Route(int max) =>
        Gen.Choose(0, max).SelectMany(n => Gen.Choose(0x21, 0x7E).ArrayOf(n)).Select(cs => "/" + new string(cs.Select(c => (char)c).ToArray()));

    private static Gen<KeyValuePair<string, string>[]> Headers =>
        Gen.Sized(size => Gen.Choose(0, Math.Min(size, 8))
            .SelectMany(n => Gen.Zip(Label, Value(40)).Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2)).ArrayOf(n)));

    public static Gen<MeshHeaderRepr> Repr =>
        Gen.OneOf(
            from method in Gen.OneOf(Gen.Elements("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"), HttpGenerators.Token(12))
            from route in Route(60)
            from headers in Headers
            select MeshHeaderRepr.Request(method, route, headers),
            from status in Gen.Choose(100, 999)
            from headers in Headers
            select MeshHeaderRepr.Response(status, headers));

    public static Arbitrary<MeshHeaderRepr> Reprs() => Arb.From(Repr);
    public static Arbitrary<HttpHead> Heads() => HttpGenerators.Heads();
}

[Properties(Arbitrary = [typeof(MeshGenerators)])]
public sealed class MeshHeaderProperties : IDisposable
{
    // Every input is parsed from memory that ends at an unreadable page: reading past the span crashes.
    private readonly GuardedBuffer _guard = new();

    public void Dispose() => _guard.Dispose();

    [Property(MaxTest = 500)]
    public bool Emit_then_parse_gives_the_same_repr(MeshHeaderRepr repr)
    {
        var buffer = new byte[repr.BufferLength];
        return repr.TryEmit(buffer, out int n, out _) && n == buffer.Length
            && MeshHeaderView.TryParseStrict(buffer, out var view, out _)
            && view.TotalLength == n
            && MeshHeaderRepr.Parse(view).Equals(repr);
    }

    [Property(MaxTest = 3000)]
    public bool Parse_never_throws_and_stays_inside_the_span(byte[] bytes) => Survives(bytes);

    [Property(MaxTest = 3000)]
    public bool Parse_never_throws_on_mutated_valid_headers(MeshHeaderRepr repr, byte[] xorMask, int start)
    {
        // Random bytes rarely get past the magic; flipping bits in valid headers reaches every check.
        var bytes = repr.ToBytes();
        int at = (int)((uint)start % (uint)bytes.Length);
        for (int i = 0; i < xorMask.Length && at + i < bytes.Length; i++) bytes[at + i] ^= xorMask[i];
        return Survives(bytes) && Survives(bytes.AsSpan(0, at).ToArray());
    }

    [Property(MaxTest = 500)]
    public bool Http_to_mesh_to_http_keeps_the_carried_fields(HttpHead head, bool[] carryMask)
    {
        // Carry a generated subset of the head's header names (by position in the mask).
        var names = head.Headers.Select(h => h.Key).Distinct(StringComparer.OrdinalIgnoreCase)
            .Where((_, i) => carryMask.Length > 0 && carryMask[i % carryMask.Length]).ToArray();
        var carried = MeshCarriedHeaders.Of(names);
        var http = head.ToBytes();
        var mesh = new byte[MeshHeaderFormat.MaxTotalLength];
        var r = head.IsRequest
            ? MeshHttpConverter.RequestToMesh(http, carried, mesh)
            : MeshHttpConverter.ResponseToMesh(http, carried, mesh);
        if (r.Status != HttpParseStatus.Complete) return false;
        if (!MeshHeaderView.TryParseStrict(mesh.AsSpan(0, r.MeshWritten), out var view, out _)) return false;

        var back = new byte[16384];
        if (!MeshHttpConverter.TryWriteHttp(view, back, out int n, out _)) return false;
        var result = head.IsRequest ? HttpHead.ParseRequest(back.AsSpan(0, n), out var again) : HttpHead.ParseResponse(back.AsSpan(0, n), out again);
        if (result.Status != HttpParseStatus.Complete) return false;

        var expected = head.Headers.Where(h => carried.Carries(Encoding.Latin1.GetBytes(h.Key)))
            .Select(h => new KeyValuePair<string, string>(h.Key.ToLowerInvariant(), h.Value));
        bool startLine = head.IsRequest
            ? again!.MethodToken == head.MethodToken && again.Target == head.Target
            : again!.StatusCode == head.StatusCode;
        return startLine && again.Headers.SequenceEqual(expected);
    }

    [Fact]
    public void Every_prefix_of_every_vector_parses_without_reading_past_its_end()
    {
        foreach (var (_, _, hex) in MeshHeaderVectors.All)
        {
            var bytes = Convert.FromHexString(hex);
            for (int length = 0; length <= bytes.Length; length++)
                Assert.True(Survives(bytes[..length]), $"{hex} cut at {length}");
        }
    }

    private bool Survives(byte[] input)
    {
        var bytes = _guard.Place(input);
        int sum = 0;
        bool ok = MeshHeaderView.TryParse(bytes, out var v, out var e);
        // The fast path and the detailed path must agree on every input.
        bool detailed = MeshHeaderView.TryParseDetailed(bytes, out var dv, out var de);
        if (ok != detailed || v.TotalLength != dv.TotalLength || e != de) return false;
        if (ok)
        {
            if (v.TotalLength > bytes.Length) return false;
            foreach (var f in v.Headers) sum += f.Label.Length + f.Value.Length;
            if (MeshHeaderFormat.FixedLength + v.Route.Length + 3 * v.HeaderCount + sum != v.TotalLength) return false;
            _ = v.ToString();
            _ = v.MethodToken.Length;
            _ = MeshHttpConverter.TryWriteHttp(v, new byte[16384], out _, out _);
        }
        else if (e.IsNone || e.Offset < 0 || e.Offset > Math.Max(bytes.Length, MeshHeaderFormat.FixedLength)) return false;
        bool strict = MeshHeaderView.TryParseStrict(bytes, out _, out _);
        _ = MeshHttpConverter.Detect(bytes, out _, out _);
        return !strict || ok; // strict success implies structural success
    }
}
