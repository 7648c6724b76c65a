using MeshSim.Control.Compiler;
using MeshSim.Control.Rules;
using MeshSim.Control.Samples;

namespace MeshSim.Control.Tests.Rules;

public class RuleTextTests
{
    [Fact]
    public void Thesis_lab_rules_round_trip_with_provenance()
    {
        var r = MeshCompiler.Compile(ThesisLab.Registry(), ThesisLab.Topology(), MeshOptions.ThesisLab);
        foreach (var rs in r.RuleSets)
        {
            var (flows, groups) = (RuleText.FormatFlows(rs), RuleText.FormatGroups(rs));
            var back = RuleTextParser.Parse(rs.Switch, flows, groups);
            Assert.True(back.SameRules(rs));
            Assert.Equal(rs.Flows.Select(f => f.From), back.Flows.Select(f => f.From));
            Assert.Equal(flows, RuleText.FormatFlows(back));
            Assert.Equal(groups, RuleText.FormatGroups(back));
        }
    }

    [Theory]
    [InlineData("table=0,priority=1,tcp,nw_dst=10.0.0.300,actions=drop", 1, 31, "'10.0.0.300' is not an IPv4 address")]
    [InlineData("table=0,priority=1,frobnicate=1,actions=drop", 1, 20, "unknown match field or keyword 'frobnicate'")]
    [InlineData("table=0,priority=70000,actions=drop", 1, 18, "expected a number 0-65535, got '70000'")]
    [InlineData("table=0,priority=1,tcp", 1, 23, "missing actions=")]
    [InlineData("table=0,priority=1,actions=output:1,flood", 1, 37, "unsupported action 'flood'")]
    [InlineData("table=0,priority=1,ct_state=+new+bogus,actions=drop", 1, 34, "unknown ct_state flag 'bogus'")]
    public void Bad_flow_text_is_reported_with_line_and_column(string text, int line, int col, string message)
    {
        var e = Assert.Throws<RuleTextException>(() => RuleTextParser.ParseFlow(text, line));
        Assert.Equal((line, col), (e.Line, e.Column));
        Assert.StartsWith(message, e.Message[(e.Message.IndexOf(' ') + 1)..]);
    }
}
