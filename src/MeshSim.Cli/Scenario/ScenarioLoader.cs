using System.Globalization;
using MeshSim.Stack.Sockets;
using MeshSim.Wire;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MeshSim.Cli.Scenario;

/// <summary>
/// Binds a scenario YAML file into a <see cref="ScenarioSpec"/>. Every mistake is a
/// <see cref="ScenarioException"/> with file:line:column, the YAML path and what was expected;
/// unknown keys are errors with a "did you mean". Cross-references (a link to an unknown node,
/// an instance on an unknown host, duplicate names) are checked here too.
/// </summary>
public static class ScenarioLoader
{
    /// <summary>Loads from a file, refusing one larger than <see cref="ScenarioLimits.MaxFileBytes"/> before reading it.</summary>
    /// <exception cref="ScenarioException">The file is too large or not a valid scenario.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static ScenarioSpec LoadFile(string path, ScenarioLimits? limits = null)
    {
        limits ??= ScenarioLimits.Default;
        return Load(ScenarioFile.ReadText(path, limits), path, limits);
    }

    /// <summary>Loads from text; <paramref name="file"/> is used in messages and to resolve relative paths.</summary>
    /// <exception cref="ScenarioException">The only failure: what is wrong, with file:line:column and the YAML path.</exception>
    public static ScenarioSpec Load(string yaml, string file, ScenarioLimits? limits = null)
    {
        limits ??= ScenarioLimits.Default;
        if (yaml.Length > limits.MaxFileBytes)
            throw new ScenarioException(file, new Position(1, 1, ""), $"{yaml.Length} characters is more than the limit of {limits.MaxFileBytes} bytes (file_size); {ScenarioLimits.HowToRaise("file_size")}");
        var root = YamlDocumentReader.ReadSingle(yaml, file, limits);
        return Bind(new YamlNodeReader(file, root, "").Mapping("a scenario mapping (name, hosts, switches, links, ...)"), file, limits);
    }

    private static ScenarioSpec Bind(MappingReader root, string file, ScenarioLimits limits)
    {
        root.Keys("limits", "name", "description", "seed", "until", "mesh", "hosts", "switches", "links", "services", "intentions", "traffic", "capture", "expect");
        if (root.Optional("limits") is { } lim) limits = ScenarioLimitsReader.Raise(limits, lim);
        var name = root.Required("name", "the scenario's name").Text("a name");
        var description = root.Optional("description")?.Text("text");
        var seed = root.Optional("seed") is { } s ? ParseULong(s) : 1UL;
        var until = root.Optional("until") is { } u ? Duration(u) : 10_000_000_000L;
        var mesh = BindMesh(root.Optional("mesh"));
        var hosts = List(root.Optional("hosts"), BindHost, "hosts", limits);
        var switches = List(root.Optional("switches"), BindSwitch, "switches", limits);
        var links = List(root.Optional("links"), BindLink, "links", limits);
        var services = List(root.Optional("services"), BindService, "services", limits);
        var intentions = BindIntentions(root.Optional("intentions"), limits);
        var traffic = List(root.Optional("traffic"), BindTraffic, "requests", limits);
        var capture = root.Optional("capture") is { } c ? BindCapture(c) : null;
        var expect = List(root.Optional("expect"), BindExpectation);
        root.Finish();

        var spec = new ScenarioSpec(name, description, seed, until, mesh, hosts, switches, links, services, intentions, traffic, capture, expect, file);
        ScenarioLimitsReader.Check(spec, limits, root);
        ScenarioChecks.Validate(spec);
        return spec;
    }

    private static List<T> List<T>(YamlNodeReader? node, Func<YamlNodeReader, T> bind) =>
        node is null ? [] : node.Value.Sequence().Select(bind).ToList();

    /// <summary>A list whose length limit <paramref name="limit"/> bounds, checked before any item is bound.</summary>
    private static List<T> List<T>(YamlNodeReader? node, Func<YamlNodeReader, T> bind, string limit, ScenarioLimits limits)
    {
        ScenarioLimitsReader.CheckCount(node, limit, limits);
        return List(node, bind);
    }

    private static MeshSpec BindMesh(YamlNodeReader? node)
    {
        var vip = Ipv4Address.Parse("192.168.1.250");
        var vmac = MacAddress.Parse("02:00:00:00:00:fa");
        string arp = "responder";
        if (node is { } n)
        {
            var m = n.Mapping("mesh settings (virtual_ip, virtual_mac, arp)");
            if (m.Optional("virtual_ip") is { } v) vip = Ip(v);
            if (m.Optional("virtual_mac") is { } vm) vmac = Mac(vm);
            if (m.Optional("arp") is { } a) arp = OneOf(a, "responder", "static");
            m.Finish();
        }
        return new MeshSpec(vip, vmac, arp);
    }

    private static HostSpec BindHost(YamlNodeReader node)
    {
        var m = node.Mapping("a host (name, ip, mac)").Keys("name", "ip", "mac", "cores", "external", "ports");
        var name = Name(m.Required("name", "the host's name"));
        var ipNode = m.Required("ip", "an IPv4 address, optionally with /prefix");
        var (ip, prefix) = IpWithPrefix(ipNode);
        var macNode = m.Required("mac", "a MAC address such as \"00:00:00:00:00:01\"");
        var mac = Mac(macNode);
        var cores = m.Optional("cores") is { } c ? PositiveInt(c) : 2;
        var external = m.Optional("external") is { } e && Bool(e);
        var ports = m.Optional("ports") is { } pn && OneOf(pn, "sequential", "linux") == "linux" ? EphemeralPortChoice.Linux : EphemeralPortChoice.Sequential;
        m.Finish();
        return new HostSpec(name, ip, mac, prefix, cores, node.At, external, ports) { IpAt = ipNode.At, MacAt = macNode.At };
    }

    private static SwitchSpec BindSwitch(YamlNodeReader node)
    {
        var m = node.Mapping("a switch (name, kind)").Keys("name", "kind", "flows", "groups", "program", "commands", "runtime");
        var name = Name(m.Required("name", "the switch's name"));
        var kind = m.Optional("kind") is { } k ? OneOf(k, "ovs", "p4") : "ovs";
        var flows = m.Optional("flows") is { } f ? OnlyFor(f, kind, "ovs", "flows").Text("a flows file path") : null;
        var groups = m.Optional("groups") is { } g ? OnlyFor(g, kind, "ovs", "groups").Text("a groups file path") : null;
        var program = m.Optional("program") is { } p ? OnlyFor(p, kind, "p4", "program").Text("a bmv2 JSON file path") : null;
        var commands = m.Optional("commands") is { } c ? OnlyFor(c, kind, "p4", "commands").Text("a simple_switch_CLI commands file path") : null;
        var runtime = m.Optional("runtime") is { } r ? OnlyFor(r, kind, "p4", "runtime").Text("a P4 tutorials runtime JSON file path") : null;
        m.Finish();
        if (program is null && (commands ?? runtime) is not null)
            throw node.Error("'commands' and 'runtime' fill the tables of a 'program'; without one the switch runs the mesh program with the controller's entries");
        return new SwitchSpec(name, kind, flows, groups, node.At, program, commands, runtime);
    }

    private static YamlNodeReader OnlyFor(YamlNodeReader value, string kind, string requiredKind, string key) =>
        kind == requiredKind ? value : throw value.Error($"'{key}' is for kind: {requiredKind} switches, and this one is kind: {kind}");

    private static LinkSpec BindLink(YamlNodeReader node)
    {
        YamlNodeReader a, b;
        long latency = 50_000, rate = 1_000_000_000;
        int queue = 1000;
        double loss = 0;
        if (node.IsSequence)
        {
            var ends = node.Sequence().ToList();
            if (ends.Count != 2) throw node.Error($"expected a pair [a, b], got {ends.Count} items");
            (a, b) = (ends[0], ends[1]);
        }
        else
        {
            var m = node.Mapping("a link: [a, b] or {a, b, latency, rate, queue, loss}").Keys("a", "b", "latency", "rate", "queue", "loss");
            a = m.Required("a", "one end, \"node\" or \"node:port\"");
            b = m.Required("b", "the other end");
            if (m.Optional("latency") is { } l) latency = Duration(l);
            if (m.Optional("rate") is { } r) rate = Rate(r);
            if (m.Optional("queue") is { } q) queue = PositiveInt(q);
            if (m.Optional("loss") is { } lo) loss = Probability(lo);
            m.Finish();
        }
        return new LinkSpec(End(a), End(b), latency, rate, queue, loss, node.At) { AAt = a.At, BAt = b.At };
    }

    private static ServiceSpec BindService(YamlNodeReader node)
    {
        var m = node.Mapping("a service (name, instances, upstreams, app)").Keys("name", "instances", "upstreams", "app");
        var name = Name(m.Required("name", "the service's name"));
        var instances = m.Required("instances", "a list of instances {host, port}").Sequence().Select(BindInstance).ToList();
        if (instances.Count == 0) throw m.Self.Error("a service needs at least one instance");
        var upstreams = new SortedDictionary<string, ushort>(StringComparer.Ordinal);
        var upstreamsAt = new Dictionary<string, Position>(StringComparer.Ordinal);
        if (m.Optional("upstreams") is { } up)
        {
            var um = up.Mapping("upstreams: service name -> local bind port on the virtual IP");
            foreach (var (key, keyAt, value) in um.KeyedEntries())
            {
                upstreams[key] = Port(value);
                upstreamsAt[key] = keyAt;
            }
        }
        var app = BindApp(m.Optional("app"));
        m.Finish();
        return new ServiceSpec(name, instances, upstreams, app, node.At) { UpstreamsAt = upstreamsAt };
    }

    private static InstanceSpec BindInstance(YamlNodeReader node)
    {
        var m = node.Mapping("an instance {host, port, weight, healthy, tags}").Keys("host", "port", "weight", "healthy", "tags");
        var hostNode = m.Required("host", "the host it runs on");
        var host = Name(hostNode);
        var port = Port(m.Required("port", "its TCP port"));
        var weight = m.Optional("weight") is { } w ? PositiveInt(w) : 1;
        var healthy = m.Optional("healthy") is not { } h || Bool(h);
        var tags = m.Optional("tags") is { } t ? t.Sequence("a list of tags").Select(x => x.Text("a tag")).ToList() : [];
        m.Finish();
        return new InstanceSpec(host, port, weight, healthy, tags, node.At) { HostAt = hostNode.At };
    }

    private static AppSpec BindApp(YamlNodeReader? node)
    {
        if (node is not { } n) return new AppSpec("http", 1_000_000, 1024);
        var m = n.Mapping("an app {kind, service_time, response_size}");
        var kind = m.Optional("kind") is { } k ? OneOf(k, "http", "frontend", "public-api", "product-api", "payments-api", "postgres") : "http";
        var time = m.Optional("service_time") is { } t ? Duration(t) : 1_000_000;
        var size = m.Optional("response_size") is { } s ? ResponseSize(s) : 1024;
        m.Finish();
        return new AppSpec(kind, time, size);
    }

    private static IntentionsSpec BindIntentions(YamlNodeReader? node, ScenarioLimits limits)
    {
        if (node is not { } n) return new IntentionsSpec("allow", []);
        var m = n.Mapping("intentions {default, rules}");
        var def = m.Optional("default") is { } d ? OneOf(d, "allow", "deny") : "allow";
        var rules = List(m.Optional("rules"), BindIntention, "rules", limits);
        m.Finish();
        return new IntentionsSpec(def, rules);
    }

    private static IntentionSpec BindIntention(YamlNodeReader node)
    {
        var m = node.Mapping("an intention {source, destination, action}").Keys("source", "destination", "action");
        var srcNode = m.Required("source", "a service name or *");
        var dstNode = m.Required("destination", "a service name or *");
        var src = srcNode.Text("a service name or *");
        var dst = dstNode.Text("a service name or *");
        var action = OneOf(m.Required("action", "allow or deny"), "allow", "deny");
        m.Finish();
        return new IntentionSpec(src, dst, action, node.At) { SourceAt = srcNode.At, DestinationAt = dstNode.At };
    }

    private static TrafficSpec BindTraffic(YamlNodeReader node)
    {
        var m = node.Mapping("a load run {name, from, url, requests, duration, concurrency, qps, keepalive, start}")
            .Keys("name", "from", "url", "requests", "duration", "concurrency", "qps", "keepalive", "start");
        var name = Name(m.Required("name", "a name for the run"));
        var fromNode = m.Required("from", "the client service or host");
        var from = Name(fromNode);
        var url = m.Required("url", "an http:// URL").Text("an http:// URL");
        if (!url.StartsWith("http://", StringComparison.Ordinal)) throw m.Required("url", "").Error($"expected an http:// URL, got \"{url}\"");
        var requests = m.Optional("requests") is { } r ? PositiveInt(r) : 100;
        var concurrency = m.Optional("concurrency") is { } c ? PositiveInt(c) : 1;
        var qps = m.Optional("qps") is { } q ? NonNegativeDouble(q) : 0;
        var start = m.Optional("start") is { } s ? Duration(s) : 0;
        var keepAlive = m.Optional("keepalive") is not { } k || Bool(k);
        long duration = 0;
        if (m.Optional("duration") is { } d)
        {
            if (m.Optional("requests") is { } both) throw both.Error("give requests or duration, not both");
            duration = Duration(d);
            if (duration <= 0) throw d.Error("expected a positive duration such as \"20s\"");
            requests = 0;
        }
        m.Finish();
        return new TrafficSpec(name, from, url, requests, concurrency, qps, start, node.At, keepAlive, duration) { FromAt = fromNode.At };
    }

    private static CaptureSpec BindCapture(YamlNodeReader node)
    {
        var m = node.Mapping("capture {dir, format}").Keys("dir", "format");
        var dir = m.Required("dir", "a directory for capture files").Text("a directory");
        var format = m.Optional("format") is { } f ? OneOf(f, "pcap", "pcapng") : "pcap";
        m.Finish();
        return new CaptureSpec(dir, format);
    }

    private static ExpectationSpec BindExpectation(YamlNodeReader node)
    {
        var m = node.Mapping("an expectation such as {reach: a -> b}, {deny: a -> c}, {latency: run p99 < 20ms}, {flow: s1 cookie=0x1 n_packets > 0}, {connect: a -> b}");
        var entries = m.Entries().ToList();
        if (entries.Count != 1) throw node.Error("expected exactly one of reach, connect, deny, latency, flow");
        var (kind, value) = entries[0];
        if (kind is not ("reach" or "connect" or "deny" or "latency" or "flow"))
            throw node.Error($"unknown expectation '{kind}' (expected reach, connect, deny, latency or flow)");
        return new ExpectationSpec(kind, value.Text("the expectation's text"), value.At);
    }

    // ---- scalars -------------------------------------------------------------------------

    private static string Name(YamlNodeReader n)
    {
        var text = n.Text("a name");
        if (text.Length == 0 || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw n.Error($"expected a name of letters, digits, '-', '_' or '.', got \"{text}\"");
        return text;
    }

    private static string OneOf(YamlNodeReader n, params string[] allowed)
    {
        var text = n.Text(string.Join(" or ", allowed));
        return Array.IndexOf(allowed, text) >= 0 ? text : throw n.Error($"expected one of {string.Join(", ", allowed)}, got \"{text}\"");
    }

    private static Ipv4Address Ip(YamlNodeReader n)
    {
        var text = n.Text("an IPv4 address");
        return Ipv4Address.TryParse(text, out var ip) ? ip : throw n.Error($"expected an IPv4 address such as 192.168.1.11, got \"{text}\"");
    }

    private static (Ipv4Address, int) IpWithPrefix(YamlNodeReader n)
    {
        var text = n.Text("an IPv4 address");
        var slash = text.IndexOf('/');
        var addr = slash < 0 ? text : text[..slash];
        if (!Ipv4Address.TryParse(addr, out var ip)) throw n.Error($"expected an IPv4 address such as 192.168.1.11/24, got \"{text}\"");
        if (slash < 0) return (ip, 24);
        return int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 32
            ? (ip, p) : throw n.Error($"expected a prefix length 0-32 after '/', got \"{text}\"");
    }

    private static MacAddress Mac(YamlNodeReader n)
    {
        var text = n.Text("a MAC address");
        return MacAddress.TryParse(text, out var mac) ? mac : throw n.Error($"expected a MAC address such as \"00:00:00:00:00:01\" (quote it), got \"{text}\"");
    }

    private static Endpoint End(YamlNodeReader n)
    {
        var text = n.Text("\"node\" or \"node:port\"");
        var colon = text.IndexOf(':');
        if (colon < 0) return new Endpoint(text, null);
        return uint.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port > 0
            ? new Endpoint(text[..colon], port) : throw n.Error($"expected \"node:port\" with a port number >= 1, got \"{text}\"");
    }

    private static ushort Port(YamlNodeReader n)
    {
        var text = n.Text("a port number");
        return ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0 ? p : throw n.Error($"expected a port number 1-65535, got \"{text}\"");
    }

    private static int PositiveInt(YamlNodeReader n)
    {
        var text = n.Text("a positive integer");
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : throw n.Error($"expected a positive integer, got \"{text}\"");
    }

    private static ulong ParseULong(YamlNodeReader n)
    {
        var text = n.Text("an unsigned integer");
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw n.Error($"expected an unsigned integer, got \"{text}\"");
    }

    private static double Probability(YamlNodeReader n)
    {
        var text = n.Text("a probability");
        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 1
            ? v : throw n.Error($"expected a probability between 0 and 1 such as 0.01, got \"{text}\"");
    }

    private static double NonNegativeDouble(YamlNodeReader n)
    {
        var text = n.Text("a number");
        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) && v >= 0
            ? v : throw n.Error($"expected a number >= 0, got \"{text}\"");
    }

    private static bool Bool(YamlNodeReader n) => n.Text("true or false") switch
    {
        "true" => true,
        "false" => false,
        var t => throw n.Error($"expected true or false, got \"{t}\""),
    };

    private static long Duration(YamlNodeReader n)
    {
        var text = n.Text("a duration");
        return ScalarValues.TryDuration(text, out var ns) ? ns : throw n.Error($"expected a duration such as \"2ms\", got \"{text}\"");
    }

    private static long Rate(YamlNodeReader n)
    {
        var text = n.Text("a rate");
        return ScalarValues.TryRate(text, out var bps) ? bps : throw n.Error($"expected a rate such as \"1Gbps\" or \"100Mbps\", got \"{text}\"");
    }

    private static int ResponseSize(YamlNodeReader n)
    {
        var size = Size(n);
        // An app answers from one buffer; beyond 1 GiB the cast to int used to wrap to a negative size.
        return size <= 1 << 30 ? (int)size : throw n.Error($"expected a response size of at most 1024MB, such as \"64KB\", got \"{n.Text("a size")}\"");
    }

    private static long Size(YamlNodeReader n)
    {
        var text = n.Text("a size");
        return ScalarValues.TrySize(text, out var b) ? b : throw n.Error($"expected a size such as \"4KB\" or 512, got \"{text}\"");
    }
}
