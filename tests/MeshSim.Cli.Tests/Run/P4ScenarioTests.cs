using MeshSim.Cli.Run;
using MeshSim.Cli.Scenario;
using MeshSim.Cli.Tests.Lab;

namespace MeshSim.Cli.Tests.Run;

/// <summary>P4 switches in scenarios: the mesh program with the controller's entries, a program with its own
/// commands, and a P4 tutorials lab (topology.json) run from the command line.</summary>
public class P4ScenarioTests
{
    private static readonly string BasicLab = Path.Combine(ThesisLabTests.Repo, "scenarios/p4-tutorial-basic/topology.json");
    private static readonly string ThesisOnP4 = Path.Combine(ThesisLabTests.Repo, "scenarios/thesis-lab-p4.yaml");

    /// <summary>The CLI in this process (the same entry point as the binary), with absolute paths.</summary>
    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        int code = MeshSimCommand.RunAsync(args, o, e).GetAwaiter().GetResult();
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void The_example_lab_program_is_what_the_builder_writes()
    {
        var path = Path.Combine(ThesisLabTests.Repo, "scenarios/p4-tutorial-basic/build/basic.json");
        var expected = OwnP4Programs.Basic();
        if (Environment.GetEnvironmentVariable("MESHSIM_UPDATE_DOCS") == "1") File.WriteAllText(path, expected);
        Assert.True(File.Exists(path) && File.ReadAllText(path) == expected,
            "scenarios/p4-tutorial-basic/build/basic.json is out of date: run the tests with MESHSIM_UPDATE_DOCS=1");
    }

    [Fact]
    public void A_tutorial_topology_runs_pingall_from_the_binary()
    {
        var (code, output, error) = CliProcess.Run("pingall", "-s", "scenarios/p4-tutorial-basic/topology.json");
        Assert.True(code == 0, error + output);
        Assert.Equal("*** Ping: testing ping reachability\nh1 -> h2 h3\nh2 -> h1 h3\nh3 -> h1 h2\n*** Results: 0% dropped (6/6 received)\n", output);
    }

    [Fact]
    public void A_tutorial_topology_is_a_scenario_for_run()
    {
        var (code, output, error) = Cli("run", BasicLab);
        Assert.True(code == 0, error);
        Assert.StartsWith("*** p4-tutorial-basic: 3 hosts, 2 switches, 4 links, 0 services (seed 1)\n", output);
    }

    [Fact]
    public void A_route_missing_from_a_runtime_file_fails_the_pair_and_names_the_p4_switch()
    {
        var dir = CopyOfBasicLab();
        try
        {
            var s2 = Path.Combine(dir, "s2-runtime.json");
            File.WriteAllText(s2, File.ReadAllText(s2).Replace("\"10.0.3.3\", 32", "\"10.0.3.4\", 32"));
            var (code, output, _) = Cli("pingall", "-s", Path.Combine(dir, "topology.json"));
            Assert.Equal(1, code);
            Assert.Contains("h1 -> h2 X\n", output);
            Assert.Contains("*** h1 -> h3: dropped at s2: dropped by the P4 pipeline (in `meshsim lab`, `p4 s2 table_dump TABLE`", output);
            Assert.Contains("*** h3 -> h1: the reply was dropped at s2: dropped by the P4 pipeline", output);
            Assert.Contains("tables: MyIngress.ipv4_lpm", output);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_host_command_meshsim_does_not_model_is_refused_by_name()
    {
        var dir = CopyOfBasicLab();
        try
        {
            var topo = Path.Combine(dir, "topology.json");
            File.WriteAllText(topo, File.ReadAllText(topo).Replace("\"route add default gw 10.0.2.20 dev eth0\"", "\"ethtool -K eth0 tx off\""));
            var (code, output, error) = Cli("pingall", "-s", topo);
            Assert.Equal(2, code);
            Assert.Equal("", output);
            Assert.Contains("hosts.h2.commands[0]: \"ethtool -K eth0 tx off\" is not a command MeshSim runs in a host", error);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_bad_runtime_entry_is_an_error_naming_the_file_and_entry()
    {
        var dir = CopyOfBasicLab();
        try
        {
            var s1 = Path.Combine(dir, "s1-runtime.json");
            File.WriteAllText(s1, File.ReadAllText(s1).Replace("MyIngress.ipv4_forward\", \"action_params\": { \"dstAddr\": \"08:00:00:00:01:11\", ", "MyIngress.ipv4_forward\", \"action_params\": { "));
            var (code, _, error) = Cli("pingall", "-s", Path.Combine(dir, "topology.json"));
            Assert.Equal(2, code);
            // The error points into the runtime file, at the entry's action_params, not at topology.json:1:1.
            Assert.Contains("s1-runtime.json:8:65: table_entries[1].action_params: action 'MyIngress.ipv4_forward' needs parameter 'dstAddr'", error);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void The_lab_shell_runs_simple_switch_cli_commands_on_a_p4_switch()
    {
        var (code, output, error) = LabProcess.Run("p4 s1 table_num_entries MyIngress.ipv4_lpm\np4 s1 table_dump MyIngress.ipv4_lpm\nh1 ping 10.0.3.3\n",
            "lab", "scenarios/p4-tutorial-basic/topology.json");
        Assert.True(code == 0, error + output);
        Assert.Contains("meshsim> p4 s1 table_num_entries MyIngress.ipv4_lpm\n3\n", output);
        Assert.Contains("* ipv4.dstAddr        : LPM       0a000202/32\nAction entry: MyIngress.ipv4_forward - 080000000222, 02\n", output);
        Assert.Matches(@"h1 -> 10\.0\.3\.3: reply, time=\d+\.\d{3} ms", output);

        var dump = LabProcess.Run("dump-flows s1\np4 s1 table_add MyIngress.nope x 1 => 2\n", "lab", "scenarios/p4-tutorial-basic/topology.json");
        Assert.Contains("*** error: s1 is a P4 switch: it has tables, not OpenFlow flows, so dump-flows does not apply", dump.Out + dump.Err);
        Assert.Contains("*** error: s1: Error: Invalid table name (MyIngress.nope)", dump.Out + dump.Err);
    }

    [Fact]
    public void The_thesis_lab_on_p4_switches_holds_its_expectations()
    {
        var (code, output, error) = Cli("run", ThesisOnP4);
        Assert.True(code == 0, error + output);
        Assert.StartsWith("*** thesis-lab-p4: 4 hosts, 2 switches, 5 links, 5 services (seed 1)", output);
        Assert.Contains("PASS  deny: product-api -> payments-api", output);   // the thesis' own deny, on the port public-api may use
        Assert.EndsWith("*** 6/6 expectations held\n", output);
    }

    [Fact]
    public void The_thesis_lab_on_p4_switches_is_byte_identical_run_twice_and_differs_by_seed()
    {
        var a = Cli("run", ThesisOnP4);
        var b = Cli("run", ThesisOnP4);
        var c = Cli("run", ThesisOnP4, "--seed", "7");
        Assert.Equal(0, a.Code);
        Assert.Equal(a.Out, b.Out);
        Assert.Contains("(seed 7)", c.Out);
        Assert.NotEqual(Fingerprint(a.Out), Fingerprint(c.Out));
    }

    private static string Fingerprint(string output) => System.Text.RegularExpressions.Regex.Match(output, "fingerprint ([0-9a-f]+)").Groups[1].Value;

    [Fact]
    public void Openflow_commands_on_a_p4_switch_say_what_to_use_instead()
    {
        var (code, _, error) = Cli("dump-flows", "s2", "-s", ThesisOnP4);
        Assert.Equal(2, code);
        Assert.Contains("s2 is a P4 switch: it has tables, not OpenFlow flows, so dump-flows does not apply; in `meshsim lab`, `p4 s2 table_dump TABLE`", error);
        Assert.Contains("MeshIngress.vip", error);
        var groups = Cli("dump-groups", "s1", "-s", ThesisOnP4);
        Assert.Equal(2, groups.Code);
        Assert.Contains("s1 is a P4 switch", groups.Err);
    }

    [Fact]
    public void Curl_goes_through_the_p4_mesh_program()
    {
        var (code, output, error) = Cli("curl", "h1", "http://192.168.1.250:9191/", "-s", ThesisOnP4);
        Assert.True(code == 0, error + output);
        Assert.Matches(@"^HTTP 200 from 192\.168\.1\.250:9191 in [\d.]+ms \(2048 bytes\)\n", output);
    }

    [Fact]
    public void A_p4_switch_with_its_own_program_and_commands_file_forwards_as_its_entries_say()
    {
        var dir = Directory.CreateTempSubdirectory("meshsim-p4yaml-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "wire.json"), OwnP4Programs.Wire());
            File.WriteAllText(Path.Combine(dir, "s1-commands.txt"), "# port 1 <-> port 2\ntable_add MyIngress.wire MyIngress.forward 1 => 2\ntable_add MyIngress.wire MyIngress.forward 2 => 1\n");
            File.WriteAllText(Path.Combine(dir, "lab.yaml"), WireLab);
            var (code, output, error) = Cli("pingall", "-s", Path.Combine(dir, "lab.yaml"));
            Assert.True(code == 0, error + output);
            Assert.Equal("*** Ping: testing ping reachability\na -> b\nb -> a\n*** Results: 0% dropped (2/2 received)\n", output);

            // Without port 2 -> 1 the replies die in the switch.
            File.WriteAllText(Path.Combine(dir, "s1-commands.txt"), "table_add MyIngress.wire MyIngress.forward 1 => 2\n");
            var broken = Cli("pingall", "-s", Path.Combine(dir, "lab.yaml"));
            Assert.Equal(1, broken.Code);

            File.WriteAllText(Path.Combine(dir, "s1-commands.txt"), "table_add MyIngress.wire MyIngress.forward 1 => 2\ntable_add MyIngress.nope MyIngress.forward 2 => 1\n");
            var bad = Cli("pingall", "-s", Path.Combine(dir, "lab.yaml"));
            Assert.Equal(2, bad.Code);
            Assert.Matches(@"lab\.yaml:\d+:\d+: switches\[0\]: s1-commands\.txt:2: .*MyIngress\.nope", bad.Err);
        }
        finally { Directory.Delete(dir, true); }
    }

    private const string WireLab = """
        name: wire
        hosts:
          - { name: a, ip: 10.0.0.1/24, mac: "00:00:00:00:00:01" }
          - { name: b, ip: 10.0.0.2/24, mac: "00:00:00:00:00:02" }
        switches:
          - { name: s1, kind: p4, program: wire.json, commands: s1-commands.txt }
        links:
          - { a: a, b: "s1:1" }
          - { a: b, b: "s1:2" }
        """;

    [Fact]
    public void P4_keys_on_an_ovs_switch_and_tables_without_a_program_are_refused_with_positions()
    {
        var flowsOnP4 = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("name: x\nswitches:\n  - { name: s1, kind: p4, flows: a.flows }\n", "x.yaml"));
        Assert.Equal("x.yaml:3:34: switches[0].flows: 'flows' is for kind: ovs switches, and this one is kind: p4", flowsOnP4.Message);
        var programOnOvs = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("name: x\nswitches:\n  - { name: s1, program: a.json }\n", "x.yaml"));
        Assert.Contains("'program' is for kind: p4 switches, and this one is kind: ovs", programOnOvs.Message);
        var commandsAlone = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("name: x\nswitches:\n  - { name: s1, kind: p4, commands: c.txt }\n", "x.yaml"));
        Assert.Contains("'commands' and 'runtime' fill the tables of a 'program'", commandsAlone.Message);
    }

    [Fact]
    public void A_mesh_of_ovs_and_p4_switches_is_refused()
    {
        var yaml = File.ReadAllText(ThesisOnP4).Replace("{ name: s2, kind: p4 }", "{ name: s2, kind: ovs }");
        var spec = ScenarioLoader.Load(yaml, "mixed.yaml");
        var ex = Assert.Throws<ScenarioException>(() => ScenarioWorld.Build(spec));
        Assert.Contains("switch s1 runs the P4 mesh program and s2 the OpenFlow mesh rules; one mesh speaks one switch kind", ex.Message);
    }

    [Fact]
    public void A_service_the_p4_program_cannot_serve_is_refused_with_the_controllers_reason()
    {
        // frontend and public-api share h1 and both may call payments-api, on two bind ports (9342 and 9340):
        // rev restores the virtual port of a reply by instance and client address, so it cannot know which.
        var original = File.ReadAllText(ThesisOnP4);
        var yaml = original.Replace("upstreams: { public-api: 9191 }", "upstreams: { public-api: 9191, payments-api: 9342 }");
        Assert.NotEqual(original, yaml);
        var dir = Directory.CreateTempSubdirectory("meshsim-p4port-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "lab.yaml"), yaml);
            var (code, output, error) = Cli("run", Path.Combine(dir, "lab.yaml"));
            Assert.Equal(2, code);
            Assert.Equal("", output);
            Assert.StartsWith("meshsim run: ", error);
            Assert.Contains("host h1: ", error);
            Assert.Contains("bind two ports for payments-api", error);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Tutorial_topologies_without_addresses_and_program_options_for_yaml_are_refused()
    {
        var dir = Directory.CreateTempSubdirectory("meshsim-p4old-").FullName;
        try
        {
            var topo = Path.Combine(dir, "topology.json");
            File.WriteAllText(topo, """{"hosts": ["h1", "h2"], "switches": {"s1": {}}, "links": [["h1", "s1-p1"], ["h2", "s1-p2"]]}""");
            var old = Cli("pingall", "-s", topo);
            Assert.Equal(2, old.Code);
            Assert.Contains("topology.json:1:12: hosts.h1: expected {\"ip\"", old.Err);   // at "h1" in the list of names
            var yaml = Cli("pingall", "-s", ThesisOnP4, "--program", topo);
            Assert.Equal(2, yaml.Code);
            Assert.Contains("--program is for a P4 tutorials topology.json", yaml.Err);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Program_overrides_the_runtime_files_bmv2_json()
    {
        var dir = CopyOfBasicLab();
        try
        {
            var wire = Path.Combine(dir, "wire.json");
            File.WriteAllText(wire, OwnP4Programs.Wire());
            var (code, _, error) = Cli("pingall", "-s", Path.Combine(dir, "topology.json"), "--program", wire);
            Assert.Equal(2, code);   // the runtime files fill basic.p4's table, which the wire program does not have
            Assert.Contains("s1-runtime.json:6:16: table_entries[0].table: no table 'MyIngress.ipv4_lpm'", error);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Mesh_program_switches_renumber_ports_above_510_as_the_p4_target_does()
    {
        var yaml = File.ReadAllText(Path.Combine(ThesisLabTests.Repo, "scenarios/tree-9.yaml"))
            .Replace("kind: ovs", "kind: p4").Replace("{ a: \"s1:1\", b: \"s2:4\" }", "{ a: \"s1:1001\", b: \"s2:1004\" }");
        Assert.Contains("s2:1004", yaml);
        var world = ScenarioWorld.Build(ScenarioLoader.Load(yaml, "tree-9-p4.yaml"));
        Assert.Empty(world.Switches);
        Assert.Equal(4, world.P4Switches.Count);
        Assert.Null(world.P4Switches["s2"].FindPort(1004));                   // 9-bit ports: 1004 became a free low number
        Assert.Equal(4, world.P4Switches["s2"].Ports.Count);
        var (text, all) = MeshSim.Cli.Commands.Lab.InspectCommands.PingallText(world);
        Assert.True(all, text);
        Assert.EndsWith("*** Results: 0% dropped (72/72 received)\n", text);
    }

    [Fact]
    public void A_port_a_p4_program_cannot_address_is_refused()
    {
        var dir = Directory.CreateTempSubdirectory("meshsim-p4port-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "wire.json"), OwnP4Programs.Wire());
            File.WriteAllText(Path.Combine(dir, "lab.yaml"), WireLab.Replace("\"s1:2\"", "\"s1:600\"").Replace(", commands: s1-commands.txt", ""));
            var (code, _, error) = Cli("pingall", "-s", Path.Combine(dir, "lab.yaml"));
            Assert.Equal(2, code);
            Assert.Contains("switch s1: port 600 does not fit a P4 port number (1..510; 511 is the drop port)", error);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void The_lab_session_shows_the_entries_the_controller_compiled_for_a_p4_switch()
    {
        var session = new MeshSim.Cli.Lab.LabSession(ScenarioLoader.LoadFile(ThesisOnP4));
        var vip = session.Execute("p4 s1 table_dump MeshIngress.vip");
        // One vip entry per allowed binding of a local host: h1's 9191, 9340, 9341 and h2's 9567 (0x23e7, 0x247c,
        // 0x247d, 0x255f); h2's 9340 is denied (the thesis' deny), so it has none.
        Assert.Equal(4, vip.Split("Action entry: set_vip").Length - 1);
        Assert.Contains("* meta.dport          : EXACT     23e7", vip);
        var ex = Assert.Throws<MeshSim.Cli.Commands.UsageException>(() => session.Execute("dump-flows s1"));
        Assert.StartsWith("s1 is a P4 switch", ex.Message);
        var notP4 = Assert.Throws<MeshSim.Cli.Commands.UsageException>(() => session.Execute("p4 s9 table_dump MeshIngress.vip"));
        Assert.Equal("no switch named 's9' (switches: s1, s2)", notP4.Message);
        Assert.Contains("h1 -> 192.168.1.12: reply", session.Execute("h1 ping 192.168.1.12"));
    }

    [Fact]
    public void Trace_on_a_p4_switch_prints_the_pipelines_event_log_and_the_egress()
    {
        const string packet = "in_port=1,tcp,nw_src=192.168.1.11,nw_dst=192.168.1.250,tp_dst=9191,dl_src=00:00:00:00:00:01,dl_dst=02:00:00:00:00:fa";
        var (code, output, error) = Cli("trace", "s1", packet, "-s", ThesisOnP4);
        Assert.True(code == 0, error);
        Assert.Contains("[0] Table 'MeshIngress.vip': hit with handle 0\n", output);
        Assert.Contains("[0] Applying table 'MeshIngress.backend'\n", output);
        // public-api's only instance is h1 (192.168.1.11 = c0a8010b) on port 1, listening on 20863 (0x517f):
        // the VIP and bind port 9191 became its address and port.
        Assert.Matches(@"\nFinal: port 1 [0-9a-f]{52}c0a8010bc0a8010b0000517f", output);

        var unbound = Cli("trace", "s1", packet.Replace("in_port=1", "in_port=2").Replace("192.168.1.11", "192.168.1.12").Replace("tp_dst=9191", "tp_dst=9999"), "-s", ThesisOnP4);
        Assert.Equal(0, unbound.Code);
        Assert.Contains("Table 'MeshIngress.vip': miss", unbound.Out);
        // The thesis' deny: h1 may reach payments-api on 9340, h2 (product-api) may not; the vip key has the client.
        var allowed = Cli("trace", "s1", packet.Replace("tp_dst=9191", "tp_dst=9340"), "-s", ThesisOnP4);
        Assert.Contains("Table 'MeshIngress.vip': hit", allowed.Out);
        var denied = Cli("trace", "s1", packet.Replace("in_port=1", "in_port=2").Replace("192.168.1.11", "192.168.1.12").Replace("tp_dst=9191", "tp_dst=9340"), "-s", ThesisOnP4);
        Assert.Contains("Table 'MeshIngress.vip': miss", denied.Out);

        var json = Cli("trace", "s1", packet, "--json", "-s", ThesisOnP4);
        Assert.Equal(2, json.Code);
        Assert.Contains("--json is for OpenFlow traces", json.Err);

        // The trace ran on a copy: the live switch's tables and state are the run's, and the tutorial lab says what to use instead.
        var tutorial = Cli("trace", "s1", "in_port=1,icmp", "-s", BasicLab);
        Assert.Equal(2, tutorial.Code);
        Assert.Contains("meshsim p4 run PROGRAM.json --commands FILE", tutorial.Err);
    }

    private static string CopyOfBasicLab()
    {
        var src = Path.GetDirectoryName(BasicLab)!;
        var dir = Directory.CreateTempSubdirectory("meshsim-p4lab-").FullName;
        foreach (var f in Directory.GetFiles(src, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(dir, Path.GetRelativePath(src, f));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(f, to);
        }
        return dir;
    }
}
