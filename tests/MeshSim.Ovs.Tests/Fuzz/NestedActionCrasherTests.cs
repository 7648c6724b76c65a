namespace MeshSim.Ovs.Tests.Fuzz;

/// <summary>
/// A crasher the fuzz campaign found (tools/fuzz, target <c>flows</c>): actions nested inside
/// <c>ct(exec(...))</c> thousands of times overflow the stack in <c>ActionParser.ParseCt</c> →
/// <c>ParseList</c> → <c>ParseOne</c>, which ends the process (no exception to catch). The input fits
/// in 64 KiB. The parser needs a designed nesting limit that turns this into an <see cref="OvsSyntaxError"/>.
/// Until then this test fails by ending the test process; the fuzz target skips such inputs so the
/// campaign can go on (see tools/fuzz/Targets/OvsFlowsTarget.cs).
/// </summary>
public class NestedActionCrasherTests
{
    [Theory]
    [InlineData(4000)]
    public void Deeply_nested_ct_exec_is_a_syntax_error_not_a_stack_overflow(int depth)
    {
        var flow = "ip,actions=" + string.Concat(Enumerable.Repeat("ct(commit,exec(", depth)) + "drop" + new string(')', 2 * depth);
        RuleFileResult<FlowEntry>? result = null;
        // 1 MiB: the smallest stack the CLI parses rule files on (a thread-pool thread), so a limit that holds here holds everywhere.
        var t = new Thread(() => result = OvsRuleFile.ParseFlows(flow), 1 << 20);
        t.Start();
        t.Join();
        Assert.NotNull(result);
        Assert.NotEmpty(result!.Errors);
    }
}
