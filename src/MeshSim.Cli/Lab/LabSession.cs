using System.Globalization;
using System.Text;
using MeshSim.Cli.Commands;
using MeshSim.Cli.Commands.Lab;
using MeshSim.Cli.Metrics;
using MeshSim.Cli.Run;
using MeshSim.Cli.Scenario;
using MeshSim.Engine;
using MeshSim.Ovs;
using MeshSim.Stack.Apps.Load;
using MeshSim.Wire;

namespace MeshSim.Cli.Lab;

/// <summary>
/// One live <see cref="ScenarioWorld"/> driven by Mininet-style command lines. Virtual time only
/// moves while a command runs (a ping, a curl, a traffic run), so the same script always prints
/// the same transcript. Bad lines throw <see cref="UsageException"/>; the world stays usable.
/// </summary>
public sealed class LabSession
{
    /// <summary>The commands that do not start with a host name, for help and completion.</summary>
    public static readonly IReadOnlyList<(string Usage, string Help)> Commands =
    [
        ("pingall", "ping between every pair of hosts"),
        ("HOST ping IP", "one ping from HOST, e.g. h1 ping 192.168.1.12"),
        ("HOST curl URL", "HTTP GET from HOST, e.g. h1 curl 192.168.1.250:9191"),
        ("dump-flows SW", "flows of switch SW with counters"),
        ("dump-groups SW", "groups of switch SW"),
        ("dump-conntrack SW", "connection tracking table of SW"),
        ("metrics [PREFIX]", "Prometheus series now (docs/metrics.md), those whose names start with PREFIX, e.g. metrics istio_"),
        ("trace SW PACKET", "ofproto/trace a packet (bmv2 event log on a P4 switch), e.g. trace s1 in_port=1,tcp,nw_src=192.168.1.11,nw_dst=192.168.1.250,tp_dst=9191"),
        ("link A B down|up", "take the link between nodes A and B down or up"),
        ("add-flow SW FLOW", "add a flow in ovs-ofctl syntax, e.g. add-flow s1 priority=500,icmp,actions=drop"),
        ("del-flows SW", "delete every flow of SW"),
        ("p4 SW COMMAND", "a simple_switch_CLI command on P4 switch SW, e.g. p4 s1 table_dump MyIngress.ipv4_lpm"),
        ("run TRAFFIC", "run one of the scenario's traffic runs by name"),
        ("time", "the virtual clock"),
        ("help", "this list"),
        ("exit", "leave the lab (also quit, or end of input)"),
    ];

    /// <summary>Starts a session over a freshly built world.</summary>
    public LabSession(ScenarioSpec spec, ulong? seed = null) => World = ScenarioWorld.Build(spec, seed);

    // Made at the first metrics command or scrape: it keeps the service totals between asks.
    private RunMetrics? _metrics;
    // Held while a command runs, so a scrape from the /metrics server's thread never meets the world mid-command.
    private readonly object _gate = new();
    private string? _lastScrape;

    /// <summary>The world the commands act on.</summary>
    public ScenarioWorld World { get; }

    /// <summary>Words the line editor may complete: commands, hosts, switches, traffic runs.</summary>
    public IEnumerable<string> CompletionWords =>
        Commands.Select(c => c.Usage.Split(' ')[0]).Where(w => w != "HOST")
            .Concat(["ping", "curl", "down", "up", "quit"])
            .Concat(World.Hosts.Keys).Concat(World.SwitchNames).Concat(World.Spec.Traffic.Select(t => t.Name))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    /// <summary>Runs one command line and returns what it prints. Empty and <c>#</c> lines print nothing.</summary>
    /// <exception cref="UsageException">The line is not a valid command for this world.</exception>
    public string Execute(string line)
    {
        lock (_gate) return ExecuteLocked(line);
    }

    /// <summary>
    /// The exposition for a <c>/metrics</c> scrape (any thread): the state after the latest command.
    /// While a command runs (a long traffic run), it waits up to <paramref name="wait"/> and then
    /// answers with the previous scrape's text (null before the first), since virtual time only
    /// moves inside commands and reading the world mid-command is not safe.
    /// </summary>
    public string? Scrape(TimeSpan wait)
    {
        if (!Monitor.TryEnter(_gate, wait)) return Volatile.Read(ref _lastScrape);
        try
        {
            var text = SessionMetrics.Exposition();
            Volatile.Write(ref _lastScrape, text);
            return text;
        }
        finally { Monitor.Exit(_gate); }
    }

    // The metrics command and the scrapes share one, so the service totals are the same for both.
    private RunMetrics SessionMetrics => _metrics ??= RunMetrics.OnDemand(World, () => ServedMetrics.VirtualTime(World.Network.Sim.Now));

    private string ExecuteLocked(string line)
    {
        var words = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || words[0].StartsWith('#')) return "";
        string Rest(int from) => string.Join(' ', words.Skip(from));
        void Need(int count, string usage)
        {
            if (words.Length < count) throw new UsageException($"usage: {usage}");
        }
        switch (words[0])
        {
            case "help": return Help();
            case "time":
                return string.Create(CultureInfo.InvariantCulture, $"virtual time {ScalarValues.FormatDuration(World.Network.Sim.Now)} ({World.Network.Sim.Now} ns), {World.Network.Sim.EventsExecuted} events\n");
            case "pingall": return InspectCommands.PingallText(World).Text;
            case "dump-flows": Need(2, "dump-flows SW"); return InspectCommands.DumpFlows(World, words[1]);
            case "dump-groups": Need(2, "dump-groups SW"); return InspectCommands.DumpGroups(World, words[1]);
            case "dump-conntrack": Need(2, "dump-conntrack SW"); return InspectCommands.DumpConntrack(World, words[1]);
            case "metrics": return LabMetrics.Filter(SessionMetrics.Exposition(), words.Length > 1 ? words[1] : "");
            case "trace":
                Need(3, "trace SW PACKET");
                return World.P4Switches.ContainsKey(words[1]) ? P4SwitchTrace.Text(World, words[1], Rest(2)) : InspectCommands.TraceText(World, words[1], Rest(2)).ToText();
            case "link": Need(4, "link A B down|up"); return SetLink(words[1], words[2], words[3]);
            case "add-flow": Need(3, "add-flow SW FLOW"); return AddFlow(words[1], Rest(2));
            case "del-flows": Need(2, "del-flows SW"); return $"deleted {Bridge(words[1], "del-flows").DeleteFlows()} flow(s) from {words[1]}\n";
            case "run": Need(2, "run TRAFFIC"); return RunTraffic(words[1]);
            case "p4": Need(3, "p4 SW COMMAND"); return P4Cli(words[1], Rest(2));
        }
        if (World.Hosts.ContainsKey(words[0]) && words.Length >= 2)
        {
            switch (words[1])
            {
                case "ping": Need(3, "HOST ping IP"); return Ping(words[0], words[2]);
                case "curl": Need(3, "HOST curl URL"); return InspectCommands.CurlText(World, words[0], words[2]).Text;
            }
            throw new UsageException($"a host can 'ping IP' or 'curl URL', not '{words[1]}'");
        }
        if (World.Hosts.ContainsKey(words[0])) throw new UsageException($"what should {words[0]} do? try '{words[0]} ping IP' or '{words[0]} curl URL'");
        var near = Usage.Suggestions.Closest(words[0], Commands.Select(c => c.Usage.Split(' ')[0]).Where(w => w != "HOST").Concat(["quit"]));
        throw new UsageException($"unknown command '{words[0]}' ({(near is null ? "" : $"did you mean '{near}'? ")}type help for the list)");
    }

    private static string Help()
    {
        var sb = new StringBuilder("commands:\n");
        int width = Commands.Max(c => c.Usage.Length);
        foreach (var (usage, help) in Commands) sb.Append("  ").Append(usage.PadRight(width)).Append("  ").Append(help).Append('\n');
        return sb.ToString();
    }

    private Ovs.Datapath.OpenFlowBridge Bridge(string name, string command) => World.RequireOvs(name, command).Bridge;

    /// <summary>One simple_switch_CLI line on a P4 switch (table_dump, counter_read, register_read, table_add, ...).</summary>
    private string P4Cli(string sw, string line)
    {
        var r = World.RequireP4(sw).Cli.Execute(line);
        if (!r.Ok) throw new UsageException($"{sw}: {r.Output.Split('\n')[^1]}");
        return r.Output.Length == 0 || r.Output.EndsWith('\n') ? r.Output : r.Output + "\n";
    }

    private string Ping(string from, string ip)
    {
        if (!Ipv4Address.TryParse(ip, out var address)) throw new UsageException($"expected an IPv4 address such as 192.168.1.12, got '{ip}'");
        var task = World.Hosts[from].PingAsync(address);
        if (!World.RunUntilDone(task, 2_000_000_000L) || task.Result is not { } rtt) return $"{from} -> {ip}: no reply within 1 s\n";
        return string.Create(CultureInfo.InvariantCulture, $"{from} -> {ip}: reply, time={rtt / 1e6:0.000} ms\n");
    }

    private string SetLink(string a, string b, string state)
    {
        if (state is not ("up" or "down")) throw new UsageException($"expected 'up' or 'down', got '{state}'");
        var link = World.Network.Links.FirstOrDefault(l =>
            (l.A.Owner.Name == a && l.B.Owner.Name == b) || (l.A.Owner.Name == b && l.B.Owner.Name == a))
            ?? throw new UsageException($"no link between '{a}' and '{b}'");
        link.SetUp(state == "up");
        return $"link {a} <-> {b} is {state}\n";
    }

    private string AddFlow(string sw, string text)
    {
        var bridge = Bridge(sw, "add-flow");
        if (!OvsParser.TryParseFlow(text, out var flow, out var error)) throw new UsageException($"flow: {error}");
        if (OvsRuleFile.MissingGroup(flow!, id => bridge.FindGroup(id) is not null) is { } missing) throw new UsageException($"flow: {missing}");
        bridge.AddFlow(flow!);
        return "";
    }

    private string RunTraffic(string name)
    {
        var t = World.Spec.Traffic.FirstOrDefault(x => x.Name == name)
            ?? throw new UsageException($"no traffic run named '{name}' (runs: {(World.Spec.Traffic.Count == 0 ? "none" : string.Join(", ", World.Spec.Traffic.Select(x => x.Name)))})");
        var uri = new Uri(t.Url);
        if (!Ipv4Address.TryParse(uri.Host, out var address)) throw new UsageException($"traffic '{name}': url host must be an IPv4 address");
        var task = LoadGenerator.Run(World.SourceHost(t.From, t.FromAt.Or(t.At)), new LoadOptions
        {
            Target = address, Port = (ushort)(uri.IsDefaultPort ? 80 : uri.Port), Path = uri.PathAndQuery,
            Requests = t.Requests, Concurrency = t.Concurrency, Qps = t.Qps,
        });
        if (!World.RunUntilDone(task, 600_000_000_000L)) return $"traffic {name}: did not finish within 10 minutes of virtual time\n";
        return $"*** traffic {t.Name}: {t.From} -> {t.Url}, {t.Requests} requests, concurrency {t.Concurrency}\n" + task.Result.ToText();
    }
}
