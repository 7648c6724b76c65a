using MeshSim.Control.Compiler;
using MeshSim.Control.Rules;
using MeshSim.Control.Samples;
using MeshSim.Ovs;

namespace MeshSim.Control.Tests.Rules;

/// <summary>The controller's rule text read by the OVS model's own ovs-ofctl parser gives back the same typed rules.</summary>
public class OvsSyntaxInteropTests
{
    [Fact]
    public void Ovs_parser_reads_every_compiled_flow_and_group_back_unchanged()
    {
        var r = MeshCompiler.Compile(ThesisLab.Registry(), ThesisLab.Topology(), MeshOptions.ThesisLab);
        var mismatches = new List<string>();
        foreach (var rs in r.RuleSets)
        {
            foreach (var f in rs.Flows)
            {
                var text = RuleText.FormatFlow(f.Flow);
                var parsed = OvsParser.ParseFlow(text);
                if (!SameActions.Equal(parsed, f.Flow)) mismatches.Add($"{text}\n  parsed as {OvsFormatter.FormatFlow(parsed)}");
            }
            foreach (var g in rs.Groups)
            {
                var text = RuleText.FormatGroup(g.Group);
                if (!SameActions.Equal(OvsParser.ParseGroup(text), g.Group)) mismatches.Add(text);
            }
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }
}
