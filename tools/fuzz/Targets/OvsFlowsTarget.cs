using System.Text;
using MeshSim.Ovs;

namespace MeshSim.Fuzz.Targets;

/// <summary><c>ovs-ofctl add-flows</c> files: parse, then format every parsed flow (the formatter must
/// take whatever the parser accepts). Errors are values; no exception is documented.</summary>
public sealed class OvsFlowsTarget : FuzzTarget
{
    /// <inheritdoc/>
    public override string Name => "flows";
    /// <inheritdoc/>
    public override string Description => "OVS flow files (ovs-ofctl add-flows syntax)";

    /// <inheritdoc/>
    public override IEnumerable<byte[]> Seeds(RepoFiles repo) =>
        repo.Files("scenarios", ".flows").Concat(repo.Files(Path.Combine("tests", "MeshSim.Ovs.Tests", "Conformance", "Corpus"), "flows.txt"));

    /// <inheritdoc/>
    public override IReadOnlyList<string> Dictionary => OvsTokens.Flow;

    /// <inheritdoc/>
    public override IReadOnlyList<(string Open, string Close)> Nesting => [("ct(commit,exec(", "))"), ("resubmit(", ")"), ("learn(", ")"), ("(", ")")];

    /// <inheritdoc/>
    public override string Run(byte[] input)
    {
        var result = OvsRuleFile.ParseFlows(Encoding.UTF8.GetString(input));
        foreach (var e in result.Entries) _ = OvsFormatter.FormatFlow(e.Entry);
        return result.Errors.Count == 0 ? $"ok {result.Entries.Count > 0}" : Outcome(result.Errors[0].Message);
    }
}
