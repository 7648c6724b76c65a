using System.Text;
using MeshSim.Ovs;

namespace MeshSim.Fuzz.Targets;

/// <summary><c>ovs-ofctl add-groups</c> files: parse, then format every parsed group.</summary>
public sealed class OvsGroupsTarget : FuzzTarget
{
    /// <inheritdoc/>
    public override string Name => "groups";
    /// <inheritdoc/>
    public override string Description => "OVS group files (ovs-ofctl add-groups syntax)";

    /// <inheritdoc/>
    public override IEnumerable<byte[]> Seeds(RepoFiles repo) =>
        repo.Files("scenarios", ".groups").Concat(repo.Files(Path.Combine("tests", "MeshSim.Ovs.Tests", "Conformance", "Corpus"), "groups.txt"));

    /// <inheritdoc/>
    public override IReadOnlyList<string> Dictionary => OvsTokens.Group;

    /// <inheritdoc/>
    public override IReadOnlyList<(string Open, string Close)> Nesting => [("bucket=actions=ct(commit,exec(", "))"), ("(", ")")];

    /// <inheritdoc/>
    public override string Run(byte[] input)
    {
        var result = OvsRuleFile.ParseGroups(Encoding.UTF8.GetString(input));
        foreach (var e in result.Entries) _ = OvsFormatter.FormatGroup(e.Entry);
        return result.Errors.Count == 0 ? $"ok {result.Entries.Count > 0}" : Outcome(result.Errors[0].Message);
    }
}
