using System.CommandLine;
using System.Text;
using MeshSim.Cli.Run;
using MeshSim.Cli.Scenario;
using MeshSim.Ovs;
using MeshSim.Ovs.Datapath;
using MeshSim.Ovs.Tracing;
using MeshSim.Stack;
using MeshSim.Stack.Apps.Http;
using MeshSim.Stack.Apps.Ping;
using MeshSim.Stack.Async;
using MeshSim.Wire;

namespace MeshSim.Cli.Commands.Lab;

/// <summary>
/// Mininet-style inspection of a scenario: <c>pingall</c>, <c>curl HOST URL</c>, <c>dump-flows SWITCH</c>,
/// <c>dump-groups SWITCH</c>, <c>dump-conntrack SWITCH</c>, <c>trace SWITCH PACKET</c>. Each builds the
/// scenario's world; the dump commands first run its traffic, so counters and connections are there.
/// The same operations back the interactive <c>meshsim lab</c> shell.
/// </summary>
public static class InspectCommands
{
    /// <summary>All the commands, for the root.</summary>
    public static IEnumerable<Command> Create()
    {
        yield return Pingall();
        yield return Curl();
        yield return Dump("dump-flows", "Print a switch's flows with counters, as ovs-ofctl dump-flows does", DumpFlows);
        yield return Dump("dump-groups", "Print a switch's groups, as ovs-ofctl -O OpenFlow15 dump-groups does", DumpGroups);
        yield return Dump("dump-conntrack", "Print a switch's connection tracking table, as ovs-appctl dpctl/dump-conntrack does", DumpConntrack);
        yield return Trace();
    }

    private static Command Pingall()
    {
        var o = new ScenarioOptions();
        var c = o.AddTo(new Command("pingall", "Ping between every pair of hosts, as Mininet's pingall; failed pairs say where they died"));
        c.SetAction((ParseResult p, CancellationToken _) => o.Invoke(p, "pingall", (spec, seed, output) =>
        {
            var world = ScenarioWorld.Build(spec, seed);
            var (text, allReached) = PingallText(world);
            output.Write(text);
            return allReached ? ExitCodes.Ok : ExitCodes.ExpectationFailed;
        }));
        return c;
    }

    /// <summary>Runs pingall in <paramref name="world"/> and renders it, with a reason per failed pair.</summary>
    public static (string Text, bool AllReached) PingallText(ScenarioWorld world)
    {
        var hosts = world.Hosts.Values.ToList();
        var task = PingAll.RunAsync(hosts);
        if (!world.RunUntilDone(task, 60_000_000_000L)) throw new InvalidOperationException("pingall did not finish in 60 s of virtual time");
        var matrix = task.Result;
        var sb = new StringBuilder(matrix.ToString());
        for (int i = 0; i < hosts.Count; i++)
            for (int j = 0; j < hosts.Count; j++)
                if (i != j && !matrix.Reached(i, j))
                    sb.Append($"*** {hosts[i].Name} -> {hosts[j].Name}: {DropExplainer.ExplainPing(world, hosts[i].Name, hosts[j].Name) ?? "the request was delivered; the reply was lost"}\n");
        return (sb.ToString(), matrix.Received == matrix.Sent);
    }

    private static Command Curl()
    {
        var o = new ScenarioOptions();
        var host = new Argument<string>("host") { Description = "host (or service) to run curl on" };
        var url = new Argument<string>("url") { Description = "http://IP[:PORT]/path, e.g. http://192.168.1.250:9191/" };
        var c = o.AddTo(new Command("curl", "Fetch a URL from a simulated host and print the response") { host, url });
        c.SetAction((ParseResult p, CancellationToken _) => o.Invoke(p, "curl", (spec, seed, output) =>
        {
            var world = ScenarioWorld.Build(spec, seed);
            var (code, text) = CurlText(world, p.GetValue(host)!, p.GetValue(url)!);
            output.Write(text);
            return code;
        }));
        return c;
    }

    /// <summary>Runs one HTTP GET in <paramref name="world"/>; exit code 0 on a 2xx answer, 1 otherwise.</summary>
    public static (int Code, string Text) CurlText(ScenarioWorld world, string from, string url)
    {
        if (!world.Hosts.ContainsKey(from) && world.Spec.Services.All(s => s.Name != from))
            throw new UsageException($"'{from}' is neither a host nor a service (hosts: {string.Join(", ", world.Hosts.Keys)})");
        if (!Uri.TryCreate(url.Contains("://") ? url : "http://" + url, UriKind.Absolute, out var uri) || uri.Scheme != "http" || !Ipv4Address.TryParse(uri.Host, out var address))
            throw new UsageException($"expected a URL such as http://192.168.1.250:9191/, got '{url}' (there is no DNS in the mesh)");
        var host = world.SourceHost(from);
        var start = world.Network.Sim.Now;
        var task = new SimHttpClient(host).GetAsync(address, (ushort)(uri.IsDefaultPort ? 80 : uri.Port), uri.PathAndQuery);
        if (!world.RunUntilDone(task, 10_000_000_000L))
            return (ExitCodes.ExpectationFailed, $"curl: ({host.Name}) no response from {uri.Host}:{uri.Port} within 10 s\n");
        if (task.IsFaulted) return (ExitCodes.ExpectationFailed, $"curl: ({host.Name}) {task.Exception!.Message}\n");
        var r = task.Result;
        var elapsed = world.Network.Sim.Now - start;
        var body = r.Body.All(b => b is >= 0x20 and < 0x7f or (byte)'\n' or (byte)'\r' or (byte)'\t') ? r.BodyText : $"<{r.Body.Length} bytes>";
        return (r.Status is >= 200 and < 300 ? ExitCodes.Ok : ExitCodes.ExpectationFailed,
                $"HTTP {r.Status} from {uri.Host}:{uri.Port} in {ScalarValues.FormatDuration(elapsed)} ({r.Body.Length} bytes)\n{body}{(body.EndsWith('\n') ? "" : "\n")}");
    }

    private static Command Dump(string name, string description, Func<ScenarioWorld, string, string> dump)
    {
        var o = new ScenarioOptions();
        var sw = new Argument<string>("switch") { Description = "switch name, e.g. s1" };
        var c = o.AddTo(new Command(name, description + " after the scenario's traffic has run") { sw });
        c.SetAction((ParseResult p, CancellationToken _) => o.Invoke(p, name, (spec, seed, output) =>
        {
            ScenarioWorld? world = null;
            ScenarioRun.Execute(spec, seed, w => world = w);
            output.Write(dump(world!, p.GetValue(sw)!));
            return ExitCodes.Ok;
        }));
        return c;
    }

    private static OpenFlowBridge Bridge(ScenarioWorld world, string name, string command) => world.RequireOvs(name, command).Bridge;

    /// <summary>Flows with counters, sorted by table, then priority (highest first), then text.</summary>
    public static string DumpFlows(ScenarioWorld world, string switchName)
    {
        var bridge = Bridge(world, switchName, "dump-flows");
        long now = world.Network.Sim.Now;
        var lines = bridge.Tables
            .SelectMany(t => t.Flows(now))
            // ovs-vswitchd keeps flow ages in milliseconds (time_msec), so dumps show three decimals.
            .Select(r => (r.Entry, Text: OvsFormatter.FormatFlowWithStats(r.Entry, new FlowStats((ulong)r.Packets, (ulong)r.Bytes,
                (now - r.InstalledNs) / 1_000_000 * 1_000_000, (now - r.LastUsedNs) / 1_000_000_000))))
            .OrderBy(x => x.Entry.Table).ThenByDescending(x => x.Entry.Priority).ThenBy(x => x.Text, StringComparer.Ordinal)
            .Select(x => " " + x.Text + "\n");
        return string.Concat(lines);
    }

    /// <summary>Groups in id order.</summary>
    public static string DumpGroups(ScenarioWorld world, string switchName)
    {
        var bridge = Bridge(world, switchName, "dump-groups");
        return "OFPST_GROUP_DESC reply (OF1.5):\n" + string.Concat(bridge.Groups.OrderBy(g => g.Entry.GroupId).Select(g => " " + OvsFormatter.FormatGroup(g.Entry) + "\n"));
    }

    /// <summary>Live connections, sorted.</summary>
    public static string DumpConntrack(ScenarioWorld world, string switchName)
    {
        var bridge = Bridge(world, switchName, "dump-conntrack");
        return string.Concat(bridge.Conntrack.Connections(world.Network.Sim.Now).Select(c => c.ToString()).Order(StringComparer.Ordinal).Select(l => l + "\n"));
    }

    private static Command Trace()
    {
        var o = new ScenarioOptions();
        var sw = new Argument<string>("switch") { Description = "switch name, e.g. s1" };
        var packet = new Argument<string>("packet") { Description = "a flow in ofproto/trace syntax, e.g. in_port=1,tcp,nw_src=192.168.1.11,nw_dst=192.168.1.250,tp_dst=9191" };
        var json = new Option<bool>("--json") { Description = "print the trace as JSON" };
        var ctNext = new Option<string[]>("--ct-next")
        {
            Description = "instead of the live connection table, resume each ct(table=...) with this ct_state, as ofproto/trace --ct-next (repeat for later ones)",
            AllowMultipleArgumentsPerToken = false,
        };
        var c = o.AddTo(new Command("trace", "Trace a packet through a switch of the scenario, as ovs-appctl ofproto/trace, against a copy of its live state (conntrack, MAC table, flows, groups: each ct() resumes with the state the tracker gives); on a P4 switch, bmv2's event log through a fresh copy of it") { sw, packet, json, ctNext });
        c.SetAction((ParseResult p, CancellationToken _) => o.Invoke(p, "trace", (spec, seed, output) =>
        {
            ScenarioWorld? world = null;
            ScenarioRun.Execute(spec, seed, w => world = w);
            if (world!.P4Switches.ContainsKey(p.GetValue(sw)!))
            {
                if (p.GetValue(json)) throw new UsageException("--json is for OpenFlow traces; a P4 switch's trace is its bmv2-style event log");
                output.Write(P4SwitchTrace.Text(world, p.GetValue(sw)!, p.GetValue(packet)!));
                return ExitCodes.Ok;
            }
            var trace = TraceText(world, p.GetValue(sw)!, p.GetValue(packet)!, p.GetValue(ctNext) ?? []);
            output.Write(p.GetValue(json) ? trace.ToJson() : trace.ToText());
            return ExitCodes.Ok;
        }));
        return c;
    }

    /// <summary>Traces <paramref name="packetText"/> through <paramref name="switchName"/> against a copy of its
    /// live state (or ofproto/trace's emulation with <paramref name="ctNext"/>), changing nothing.</summary>
    public static PacketTrace TraceText(ScenarioWorld world, string switchName, string packetText, IReadOnlyList<string>? ctNext = null)
    {
        var bridge = Bridge(world, switchName, "trace (ofproto/trace)");
        if (!TracePacket.TryParse(packetText, out var packet, out var error)) throw new UsageException($"packet: {error}");
        if (!OfflineTrace.TryParseCtNext(ctNext ?? [], out var states, out var cerr)) throw new UsageException(cerr!);
        return LiveTrace.Run(bridge, packet!.Frame, packet.InPort, packet.Key, states);
    }
}
