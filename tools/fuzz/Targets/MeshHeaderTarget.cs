using MeshSim.Wire;

namespace MeshSim.Fuzz.Targets;

/// <summary>The mesh header (docs/mesh-header.md): both parse paths, the repr, detection in a stream,
/// and conversion back to HTTP. Invalid input is a <see cref="WireError"/>; nothing may throw, and the
/// fast and detailed paths must agree (the strict parse may only refuse more).</summary>
public sealed class MeshHeaderTarget : FuzzTarget
{
    private readonly byte[] _out = new byte[1 << 17];

    /// <inheritdoc/>
    public override string Name => "meshheader";
    /// <inheritdoc/>
    public override string Description => "mesh header v2 (view, strict view, repr, prefix detection, to HTTP)";
    /// <inheritdoc/>
    public override bool Binary => true;

    /// <inheritdoc/>
    public override IEnumerable<byte[]> Seeds(RepoFiles repo)
    {
        yield return MeshHeaderRepr.Request("GET", "/api/products", KeyValuePair.Create("host", "public-api"), KeyValuePair.Create("x-request-id", "42")).ToBytes();
        yield return MeshHeaderRepr.Request("POST", "/", KeyValuePair.Create("content-type", "application/json"), KeyValuePair.Create("content-length", "2")).ToBytes();
        yield return MeshHeaderRepr.Response(200, KeyValuePair.Create("content-length", "17")).ToBytes();
        yield return MeshHeaderRepr.Response(503).ToBytes();
    }

    /// <inheritdoc/>
    public override string Run(byte[] input)
    {
        bool loose = MeshHeaderView.TryParse(input, out var view, out var error);
        bool strict = MeshHeaderView.TryParseStrict(input, out var sview, out _);
        if (strict && !loose) throw new InvalidOperationException("the strict parse accepted what the structural parse refused");
        _ = MeshHttpConverter.Detect(input, out _, out _);
        if (!loose) return "bad " + error.Kind;
        var repr = MeshHeaderRepr.Parse(view);
        if (!MeshHttpConverter.TryWriteHttp(view, _out, out _, out var werr)) return "nohttp " + werr;
        if (strict && repr.TryEmit(_out, out int n, out _) && !(MeshHeaderView.TryParse(_out.AsSpan(0, n), out var again, out _) && MeshHeaderRepr.Parse(again).Equals(repr)))
            throw new InvalidOperationException("a strictly valid header did not survive repr -> bytes -> repr");
        _ = sview;
        return $"ok {repr.Type} {strict}";
    }
}
