namespace MeshSim.Cli.Tests.Run;

public class InspectCommandTests
{
    [Fact]
    public void Pingall_on_the_thesis_lab_reaches_everyone()
    {
        var (code, output, error) = CliProcess.Run("pingall");
        Assert.True(code == 0, error);
        Assert.Equal("*** Ping: testing ping reachability\nh1 -> h2 h3 db1\nh2 -> h1 h3 db1\nh3 -> h1 h2 db1\ndb1 -> h1 h2 h3\n*** Results: 0% dropped (12/12 received)\n", output);
    }

    [Fact]
    public void Pingall_names_the_switch_table_and_flow_that_dropped_a_pair()
    {
        var dir = Directory.CreateTempSubdirectory("meshsim-ping-");
        try
        {
            // Hand-written rules on s2 that drop ICMP towards db1.
            File.WriteAllText(Path.Combine(dir.FullName, "s1.flows"), "priority=0,actions=NORMAL\n");
            File.WriteAllText(Path.Combine(dir.FullName, "s2.flows"), "cookie=0x99,priority=100,icmp,nw_dst=192.168.1.21,actions=drop\npriority=0,actions=NORMAL\n");
            var yaml = File.ReadAllText(Path.Combine(ThesisLabTests.Repo, "scenarios", "thesis-lab-faithful.yaml"))
                .Replace("thesis-faithful/s1.flows", "s1.flows").Replace("thesis-faithful/s2.flows", "s2.flows");
            File.WriteAllText(Path.Combine(dir.FullName, "lab.yaml"), yaml);
            var (code, output, _) = CliProcess.RunIn(dir.FullName, "pingall", "-s", "lab.yaml");
            Assert.Equal(1, code);
            Assert.Contains("h1 -> h2 h3 X\n", output);
            Assert.Contains("*** h1 -> db1: dropped at s2: table 0: flow cookie=0x99 priority=100,icmp,nw_dst=192.168.1.21", output);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void A_flows_file_naming_a_missing_group_is_refused_as_the_switch_refuses_it()
    {
        var dir = Directory.CreateTempSubdirectory("meshsim-group-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "s1.flows"), "priority=0,actions=NORMAL\npriority=5,ip,actions=group:4242\n");
            var yaml = File.ReadAllText(Path.Combine(ThesisLabTests.Repo, "scenarios", "thesis-lab-faithful.yaml"))
                .Replace("thesis-faithful/s1.flows", "s1.flows").Replace("thesis-faithful/s2.flows", Path.Combine(ThesisLabTests.Repo, "scenarios", "thesis-faithful", "s2.flows"));
            File.WriteAllText(Path.Combine(dir.FullName, "lab.yaml"), yaml);
            var (code, _, error) = CliProcess.RunIn(dir.FullName, "pingall", "-s", "lab.yaml");
            Assert.Equal(2, code);
            Assert.Contains("s1.flows:2:1: group:4242 refers to a group that does not exist (OFPBAC_BAD_OUT_GROUP)", error);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Curl_through_the_virtual_ip_gets_the_service()
    {
        var (code, output, _) = CliProcess.Run("curl", "h2", "http://192.168.1.250:9567/");
        Assert.Equal(1, code);   // postgres speaks its own protocol, not HTTP: curl reports the failure
        var (ok, body, _) = CliProcess.Run("curl", "h1", "http://192.168.1.250:9191/");
        Assert.Equal(0, ok);
        Assert.Matches(@"^HTTP 200 from 192\.168\.1\.250:9191 in [\d.]+ms \(2048 bytes\)\n", body);
        var (bad, _, err) = CliProcess.Run("curl", "h9", "http://192.168.1.250:9191/");
        Assert.Equal(2, bad);
        Assert.StartsWith("meshsim curl: 'h9' is neither a host nor a service", err);
    }

    [Fact]
    public void Dump_flows_shows_counters_that_moved_and_conntrack_shows_the_nat()
    {
        var (code, flows, _) = CliProcess.Run("dump-flows", "s1");
        Assert.Equal(0, code);
        Assert.Matches(@"n_packets=[1-9]\d*, .*tp_dst=9191 actions=group:", flows);
        var (code2, ct, _) = CliProcess.Run("dump-conntrack", "s1");
        Assert.Equal(0, code2);
        Assert.Contains("reply=(src=192.168.1.11,dst=192.168.1.250,sport=20863", ct);   // hairpin SNAT to the VIP for the same-host pair
        var (bad, _, err) = CliProcess.Run("dump-flows", "s7");
        Assert.Equal(2, bad);
        Assert.Equal("meshsim dump-flows: no switch named 's7' (switches: s1, s2); see 'meshsim dump-flows --help'\n", err);
    }

    [Fact]
    public void Trace_walks_the_tables_and_reports_the_group()
    {
        var (code, output, _) = CliProcess.Run("trace", "s1", "in_port=1,tcp,dl_src=00:00:00:00:00:01,dl_dst=02:00:00:00:00:fa,nw_src=192.168.1.11,nw_dst=192.168.1.250,tp_src=40000,tp_dst=9341,tcp_flags=syn");
        Assert.Equal(0, code);
        Assert.Contains("bridge(\"s1\")", output);
        Assert.Contains("ct(table=1,zone=3,nat)", output);
        Assert.Contains("group:", output);
        // The trace runs the switch's own conntrack: a TCP segment with no flags is invalid there, as in OVS's conntrack-tcp.c.
        var (flagless, invalid, _) = CliProcess.Run("trace", "s1", "in_port=1,tcp,dl_src=00:00:00:00:00:01,dl_dst=02:00:00:00:00:fa,nw_src=192.168.1.11,nw_dst=192.168.1.250,tp_src=40000,tp_dst=9341");
        Assert.Equal(0, flagless);
        Assert.Contains("resume conntrack with ct_state=inv|trk", invalid);
        Assert.DoesNotContain("group:", invalid);
        var (bad, _, err) = CliProcess.Run("trace", "s1", "in_port=1,tcp,nw_dst=foo");   // (999.1.1.1 is accepted: OVS wraps it to 231.1.1.1 too)
        Assert.Equal(2, bad);
        Assert.Equal("meshsim trace: packet: column 22: foo: invalid IP address; see 'meshsim trace --help'\n", err);
    }
}
