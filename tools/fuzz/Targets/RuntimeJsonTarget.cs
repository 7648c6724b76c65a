using System.Text;
using MeshSim.P4.Loading;
using MeshSim.P4.Runtime;

namespace MeshSim.Fuzz.Targets;

/// <summary>P4 tutorials sX-runtime.json table entries applied to basic.json; errors are strings naming the entry.</summary>
public sealed class RuntimeJsonTarget : FuzzTarget
{
    private byte[]? _program;

    /// <inheritdoc/>
    public override string Name => "runtime-json";
    /// <inheritdoc/>
    public override string Description => "P4 tutorials sX-runtime.json (table entries)";

    /// <inheritdoc/>
    public override IEnumerable<byte[]> Seeds(RepoFiles repo)
    {
        _program = File.ReadAllBytes(Path.Combine(repo.Root, "scenarios", "p4-tutorial-basic", "build", "basic.json"));
        return repo.Files(Path.Combine("scenarios", "p4-tutorial-basic"), "-runtime.json");
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Dictionary =>
        ["\"table\"", "\"match\"", "\"action_name\"", "\"action_params\"", "\"default_action\"", "\"priority\"", "\"table_entries\"", "\"multicast_group_entries\"",
         "\"hdr.ipv4.dstAddr\"", "[\"10.0.1.1\", 32]", "[\"10.0.1.1\", 99]", "true", "null", "-1", "\"0x\"", "\"\\ud800\"", "[", "]", "{", "}", ",", ":"];

    /// <inheritdoc/>
    public override IReadOnlyList<(string Open, string Close)> Nesting => [("[", "]"), ("{\"a\":", "}")];

    /// <inheritdoc/>
    public override string Run(byte[] input)
    {
        var program = P4Loader.Load(_program ?? throw new InvalidOperationException("Seeds() loads the program")).Program!;
        var errors = RuntimeJson.Apply(program, Encoding.UTF8.GetString(input));
        return errors.Count == 0 ? "ok" : Outcome(errors[0]);
    }
}
