namespace MeshSim.Ovs.Tests.Fuzz;

/// <summary>
/// A crasher the fuzz campaign found (tools/fuzz, target <c>flows</c>): actions nested inside
/// <c>ct(exec(...))</c> thousands of times overflowed the stack in <c>ActionParser.ParseCt</c> →
/// <c>ParseList</c>, ending the process. The parser now has OVS's own limit
/// (<c>MAX_OFPACT_PARSE_DEPTH</c> = 100) and refuses with OVS's words; the boundary below is what
/// <c>ovs-ofctl parse-flows</c> 3.1 answers for the same lines.
/// </summary>
public class NestedActionCrasherTests
{
    private static string Nest(int depth) =>
        "ip,actions=" + string.Concat(Enumerable.Repeat("ct(commit,exec(", depth)) + "drop" + new string(')', 2 * depth);

    [Fact]
    public void Deeply_nested_ct_exec_is_a_syntax_error_not_a_stack_overflow()
    {
        RuleFileResult<FlowEntry>? result = null;
        // 1 MiB: the smallest stack the CLI parses rule files on (a thread-pool thread), so a limit that holds here holds everywhere.
        var t = new Thread(() => result = OvsRuleFile.ParseFlows(Nest(4000)), 1 << 20);
        t.Start();
        t.Join();
        Assert.NotNull(result);
        var error = Assert.Single(result!.Errors);
        Assert.Contains("Action nested too deeply", error.Message);
    }

    [Theory]
    [InlineData(99, "ct action doesn't support nested action ct")]   // ovs-ofctl parse-flows: the nest is parsed, then verified
    [InlineData(100, "Action nested too deeply")]                     // the 100th nested list is refused before it is read
    public void The_depth_limit_is_where_ovs_ofctl_puts_it(int depth, string expected)
    {
        var error = Assert.Single(OvsRuleFile.ParseFlows(Nest(depth)).Errors);
        Assert.Contains(expected, error.Message);
    }
}
