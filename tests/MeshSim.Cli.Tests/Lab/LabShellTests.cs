using MeshSim.Cli.Lab;
using MeshSim.Cli.Commands;
using MeshSim.Cli.Scenario;

namespace MeshSim.Cli.Tests.Lab;

public class LabShellTests
{
    [Fact]
    public void A_script_on_stdin_runs_like_an_interactive_session()
    {
        const string script = "# a comment\npingall\nh1 curl 192.168.1.250:9191\nlink s1 h2 down\npingall\nlink s1 h2 up\nh1 ping 192.168.1.12\ntime\nexit\npingall\n";
        var (code, output, error) = LabProcess.Run(script, "lab");
        Assert.True(code == 0, error + output);
        Assert.StartsWith("*** thesis-lab: 4 hosts (h1 h2 h3 db1), 2 switches (s1 s2); type help for commands\nmeshsim> pingall\n*** Ping: testing ping reachability\n", output);
        Assert.Contains("meshsim> h1 curl 192.168.1.250:9191\nHTTP 200 from 192.168.1.250:9191", output);
        Assert.Contains("link s1 <-> h2 is down\n", output);
        Assert.Contains("h2 -> X X X\n", output);                 // h2 is cut off while its link is down
        Assert.Contains("h1 -> 192.168.1.12: reply, time=", output); // and reachable again once it is up
        Assert.Matches(@"meshsim> time\nvirtual time \S+ \(\d+ ns\), \d+ events\n", output);
        Assert.EndsWith("meshsim> exit\n", output);                // nothing after exit runs
    }

    [Fact]
    public void Bad_lines_are_one_line_errors_and_the_session_goes_on()
    {
        const string script = "frobnicate\ndump-flows s9\nadd-flow s1 priority=50,tcp,actions=bogus\nh1 fly\nlink h1 h3 down\npingall\n";
        var (code, output, _) = LabProcess.Run(script, "lab");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("*** error: unknown command 'frobnicate' (type help for the list)\n", output);
        Assert.Contains("*** error: no switch named 's9' (switches: s1, s2)\n", output);
        Assert.Contains("*** error: flow: ", output);
        Assert.Contains("*** error: a host can 'ping IP' or 'curl URL', not 'fly'\n", output);
        Assert.Contains("*** error: no link between 'h1' and 'h3'\n", output);
        Assert.Contains("*** Results: 0% dropped (12/12 received)\n", output); // the last line still ran
    }

    [Fact]
    public void A_missing_scenario_is_bad_input()
    {
        var (code, _, error) = LabProcess.Run("pingall\n", "lab", "no-such-lab.yaml");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("meshsim lab: ", error);
        Assert.Contains("no-such-lab.yaml", error);
    }

    [Fact]
    public void Add_flow_and_del_flows_change_the_live_switch()
    {
        var session = new LabSession(EmbeddedScenarios.LoadOrDefault(null));
        session.Execute("add-flow s1 priority=1000,icmp,nw_dst=192.168.1.12,actions=drop");
        Assert.Contains("h1 -> X h3 db1\n", session.Execute("pingall"));
        Assert.Contains("priority=1000,icmp,nw_dst=192.168.1.12 actions=drop", session.Execute("dump-flows s1"));
        Assert.Matches(@"^deleted \d+ flow\(s\) from s1\n$", session.Execute("del-flows s1"));
        Assert.Equal("", session.Execute("dump-flows s1"));
        var ex = Assert.Throws<UsageException>(() => session.Execute("run nosuchrun"));
        Assert.Equal("no traffic run named 'nosuchrun' (runs: api)", ex.Message);
        // As the switch does, a flow naming a group the bridge lacks is refused (OFPBAC_BAD_OUT_GROUP).
        var missing = Assert.Throws<UsageException>(() => session.Execute("add-flow s1 priority=7,actions=group:4242"));
        Assert.Contains("group:4242 refers to a group that does not exist (OFPBAC_BAD_OUT_GROUP)", missing.Message);
        Assert.DoesNotContain("priority=7", session.Execute("dump-flows s1"));
    }

    [Fact]
    public void Traffic_runs_advance_the_virtual_clock_and_fill_the_counters()
    {
        var session = new LabSession(EmbeddedScenarios.LoadOrDefault(null));
        Assert.StartsWith("virtual time 0", session.Execute("time"));
        var run = session.Execute("run api");
        Assert.Contains("200 calls", run);
        Assert.False(session.Execute("time").StartsWith("virtual time 0 ", StringComparison.Ordinal));
        Assert.Contains("cookie=0x10619377da0549cd", session.Execute("dump-flows s1"));
        Assert.Contains("n_packets=8,", session.Execute("dump-flows s1").Split('\n').First(l => l.Contains("cookie=0x10619377da0549cd")));
        Assert.NotEqual("", session.Execute("dump-conntrack s1"));
        Assert.StartsWith("OFPST_GROUP_DESC reply", session.Execute("dump-groups s1"));
        Assert.Contains("Final flow:", session.Execute("trace s1 in_port=1,tcp,nw_src=192.168.1.11,nw_dst=192.168.1.12,tp_dst=80"));
    }

    [Fact]
    public void Completion_offers_commands_hosts_switches_and_runs()
    {
        var words = new LabSession(EmbeddedScenarios.LoadOrDefault(null)).CompletionWords.ToList();
        foreach (var w in new[] { "pingall", "dump-flows", "h1", "db1", "s2", "api", "link", "add-flow" }) Assert.Contains(w, words);
        Assert.Equal(words.Order(StringComparer.Ordinal), words);
    }
}
