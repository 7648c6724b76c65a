using MeshSim.P4.Runtime;

namespace MeshSim.P4.Tests.Runtime;

public class RuntimeCliTests
{
    private static RuntimeCli Cli() => new(TestPrograms.Router());

    [Fact]
    public void Table_add_prints_like_simple_switch_cli()
    {
        var r = Cli().Execute("table_add MyIngress.ipv4_lpm route 10.0.1.1/32 => 08:00:00:00:01:11 1");
        Assert.True(r.Ok);
        Assert.Equal(
            "Adding entry to lpm match table MyIngress.ipv4_lpm\n" +
            "match key:           LPM-0a:00:01:01/32\n" +
            "action:              route\n" +
            "runtime data:        08:00:00:00:01:11\t00:01\n" +
            "Entry has been added with handle 0", r.Output);
    }

    [Fact]
    public void Duplicate_entries_and_bad_handles_return_bmv2_error_codes()
    {
        var cli = Cli();
        Assert.True(cli.Execute("table_add ipv4_lpm forward 10.0.0.0/8 => 1").Ok);
        var dup = cli.Execute("table_add ipv4_lpm forward 10.0.0.0/8 => 2");
        Assert.False(dup.Ok);
        Assert.EndsWith("Invalid table operation (DUPLICATE_ENTRY)", dup.Output);
        var del = cli.Execute("table_delete ipv4_lpm 7");
        Assert.False(del.Ok);
        Assert.EndsWith("Invalid table operation (INVALID_HANDLE)", del.Output);
    }

    [Fact]
    public void Freed_handles_are_reused_lowest_first()
    {
        var cli = Cli();
        cli.Execute("table_add ipv4_lpm forward 10.0.0.0/8 => 1");
        cli.Execute("table_add ipv4_lpm forward 11.0.0.0/8 => 1");
        Assert.True(cli.Execute("table_delete ipv4_lpm 0").Ok);
        Assert.EndsWith("handle 0", cli.Execute("table_add ipv4_lpm forward 12.0.0.0/8 => 1").Output);
        Assert.EndsWith("handle 2", cli.Execute("table_add ipv4_lpm forward 13.0.0.0/8 => 1").Output);
    }

    [Theory]
    [InlineData("table_add nosuch forward 1 => 1", "Error: Invalid table name (nosuch)")]
    [InlineData("table_add ipv4_lpm set_nhop 10.0.0.0/8 => 1", "Error: Table ipv4_lpm has no action set_nhop")]
    [InlineData("table_add ipv4_lpm forward 10.0.0.0/8 => 1 2", "Error: Action forward needs 1 parameters")]
    [InlineData("table_add ipv4_lpm forward 10.0.0.0 => 1", "Invalid match key: Invalid LPM value 10.0.0.0, use '/' to separate prefix and length")]
    [InlineData("table_add ipv4_lpm forward 10.0.0/8 => 1", "Invalid match key: Error while parsing 10.0.0 - Invalid IPv4 address")]
    [InlineData("table_add ipv4_lpm forward 10.0.0.0/8 => 0x10000", "Invalid runtime data: Error while parsing 0x10000 - Parameter is too large")]
    [InlineData("table_add acl forward 1&&&1 2&&&3 => 1 high", "Error: Table is ternary, but could not extract a valid priority from args")]
    [InlineData("table_set_default tbl_error to_error_port", "Invalid table operation (DEFAULT_ENTRY_IS_CONST)")]
    [InlineData("frobnicate 1 2", "*** Unknown syntax: frobnicate 1 2")]
    [InlineData("register_read last_ttl 99", "Invalid register operation (INVALID_INDEX)")]
    [InlineData("mc_node_associate 3 0", "Invalid PRE operation (INVALID_MGID)")]
    public void Errors_match_simple_switch_cli(string command, string expected)
    {
        var r = Cli().Execute(command);
        Assert.False(r.Ok);
        Assert.EndsWith(expected, r.Output);
    }

    [Fact]
    public void Script_skips_comments_and_reports_failing_lines()
    {
        var (transcript, failures) = Cli().RunScript("# routes\ntable_add ipv4_lpm forward 10.0.0.0/8 => 1\n\ntable_add ipv4_lpm forward 10.0.0.0/8 => 1\nregister_write last_ttl 1 300\nregister_read last_ttl 1\n");
        Assert.Equal(4, Assert.Single(failures).Line);
        Assert.Contains("last_ttl[1]= 44", transcript);     // 300 truncated to 8 bits
    }

    [Fact]
    public void Table_dump_lists_entries_and_default()
    {
        var cli = Cli();
        cli.Execute("table_add acl forward 10.0.0.0&&&255.0.0.0 80&&&0xffff => 3 7");
        var dump = cli.Execute("table_dump acl").Output;
        Assert.Contains("Dumping entry 0x0", dump);
        Assert.Contains("* ipv4.srcAddr        : TERNARY   0a000000 &&& ff000000\n", dump);   // bmv2 names keys header.field
        Assert.Contains("Priority: 7", dump);
        Assert.Contains("Action entry: forward - 03", dump);
        Assert.Contains("Dumping default entry\nAction entry: NoAction - \n==========", dump);
    }
}
