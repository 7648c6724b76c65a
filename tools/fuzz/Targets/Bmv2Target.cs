using MeshSim.P4.Loading;

namespace MeshSim.Fuzz.Targets;

/// <summary>bmv2 JSON programs: <see cref="P4Loader.Load(ReadOnlySpan{byte})"/> returns a program or
/// <see cref="LoadError"/>s with a JSON path and never throws.</summary>
public sealed class Bmv2Target : FuzzTarget
{
    /// <inheritdoc/>
    public override string Name => "bmv2";
    /// <inheritdoc/>
    public override string Description => "bmv2 JSON programs (P4 loader)";

    /// <inheritdoc/>
    public override int MaxInput => 256 * 1024;   // mesh.json is 96 KiB

    /// <inheritdoc/>
    public override IEnumerable<byte[]> Seeds(RepoFiles repo) =>
        repo.Files("p4", ".json").Concat(repo.Files(Path.Combine("scenarios", "p4-tutorial-basic", "build"), ".json"));

    /// <inheritdoc/>
    public override IReadOnlyList<string> Dictionary =>
    [
        "\"type\"", "\"value\"", "\"op\"", "\"left\"", "\"right\"", "\"cond\"", "\"expression\"", "\"field\"", "\"hexstr\"", "\"header\"", "\"local\"", "\"runtime_data\"",
        "\"bool\"", "\"stack_field\"", "\"header_stack\"", "\"header_union\"", "\"lookahead\"", "\"regular\"", "\"calculation\"", "\"register\"", "\"meter_array\"",
        "\"primitive\"", "\"parameters\"", "\"name\"", "\"id\"", "\"fields\"", "\"header_types\"", "\"headers\"", "\"actions\"", "\"tables\"", "\"pipelines\"",
        "\"parsers\"", "\"parse_states\"", "\"transitions\"", "\"deparsers\"", "\"order\"", "\"key\"", "\"match_type\"", "\"next_tables\"", "\"default_entry\"",
        "\"conditionals\"", "\"true_next\"", "\"false_next\"", "\"init_table\"", "\"__meta__\"", "\"version\"", "\"*\"", "\"0x\"", "\"0xffffffffffffffffffffffffffffffffff\"",
        "\"+\"", "\"==\"", "\"d2b\"", "\"b2d\"", "\"valid\"", "\"?\"", "\"~\"", "\"&\"", "\"<<\"", "\"access_field\"", "\"dereference_header_stack\"",
        "null", "true", "false", "[]", "{}", "-1", "2147483648", "1e999", "\"\\ud800\"", "\"\\u0000\"", ",", ":", "[", "]", "{", "}",
    ];

    /// <inheritdoc/>
    public override IReadOnlyList<(string Open, string Close)> Nesting =>
    [
        ("[", "]"), ("{\"a\":", "}"),
        ("{\"type\":\"expression\",\"value\":{\"op\":\"+\",\"left\":{\"type\":\"hexstr\",\"value\":\"0x1\"},\"right\":", "}}"),
        ("{\"type\":\"expression\",\"value\":{\"op\":\"not\",\"left\":null,\"right\":", "}}"),
    ];

    /// <inheritdoc/>
    public override string Run(byte[] input)
    {
        var r = P4Loader.Load(input);
        if (r.Success) return "ok";
        if (r.Errors.Count == 0) throw new InvalidOperationException("a failed load without errors");
        return Outcome(r.Errors[0].Message);
    }
}
