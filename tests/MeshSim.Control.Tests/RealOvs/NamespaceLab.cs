using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MeshSim.Control.Compiler;
using MeshSim.Control.Registry;
using MeshSim.Control.Rules;
using MeshSim.Control.Topology;

namespace MeshSim.Control.Tests.RealOvs;

/// <summary>
/// A topology made real: one userspace OVS bridge per switch, patch ports for links, one network
/// namespace per host (veth on its switch port), and a python http.server per service instance.
/// Everything it creates carries <see cref="Prefix"/> and is removed on Dispose, including after a
/// failed setup.
/// </summary>
internal sealed partial class NamespaceLab : IDisposable
{
    public string Prefix { get; }
    private readonly string _root = Shell.RepoRoot();
    private readonly List<Process> _servers = [];
    private readonly Dictionary<string, string> _env;
    public string OvsRunDir { get; }
    public NetworkTopology Topology { get; }

    /// <param name="topology">What to build.</param>
    /// <param name="prefix">Name prefix of every bridge, namespace and veth (short: Linux names stop at 15 characters).</param>
    public NamespaceLab(NetworkTopology topology, string prefix)
    {
        Topology = topology;
        Prefix = prefix;
        OvsRunDir = Environment.GetEnvironmentVariable("MESHSIM_OVS_RUNDIR") ?? "/tmp/meshsim-ovs";
        _env = new() { ["OVS_RUNDIR"] = OvsRunDir, ["MESHSIM_OVS_RUNDIR"] = OvsRunDir };
        try
        {
            Script("ovs/ovs-start.sh");
            Script("netns/lab-down.sh", Prefix);
            foreach (var s in topology.Switches) Script("netns/bridge-add.sh", Bridge(s.Name), s.Id.ToString(CultureInfo.InvariantCulture));
            foreach (var l in topology.Links)
                Script("netns/link-add.sh", Bridge(l.SwitchA), l.PortA.ToString(CultureInfo.InvariantCulture), Bridge(l.SwitchB), l.PortB.ToString(CultureInfo.InvariantCulture));
            foreach (var h in topology.Hosts)
                Script("netns/host-add.sh", Namespace(h.Name), Bridge(h.Switch), h.Port.ToString(CultureInfo.InvariantCulture), $"{h.Ip}/24", h.Mac.ToString());
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Builds a lab and runs <paramref name="setup"/> on it (load rules, start servers); on failure everything is torn down before the exception leaves.</summary>
    public static NamespaceLab Start(NetworkTopology topology, string prefix, Action<NamespaceLab> setup)
    {
        var lab = new NamespaceLab(topology, prefix);
        try
        {
            setup(lab);
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    /// <summary>Starts an http.server for every instance of every service.</summary>
    public void ServeAll(ServiceRegistry registry)
    {
        foreach (var s in registry.Services) foreach (var i in s.Instances) Serve(i);
    }

    public string Bridge(string sw) => Prefix + sw.ToLowerInvariant();
    public string Namespace(string host) => Prefix + host.ToLowerInvariant();

    private Shell.Result Script(string relative, params string[] args) =>
        Shell.Run(Path.Combine(_root, "tools", relative), args, _env).OrThrow(relative + " " + string.Join(' ', args));

    private Shell.Result Ofctl(params string[] args) => Shell.Run("ovs-ofctl", args, _env).OrThrow("ovs-ofctl " + string.Join(' ', args));

    /// <summary>Writes each rule set as files and loads them.</summary>
    public void Load(CompileResult compiled, string dir)
    {
        foreach (var rs in compiled.RuleSets)
        {
            File.WriteAllText(Path.Combine(dir, rs.Switch + ".flows"), RuleText.FormatFlows(rs));
            File.WriteAllText(Path.Combine(dir, rs.Switch + ".groups"), RuleText.FormatGroups(rs));
        }
        LoadFiles(dir);
    }

    /// <summary>Loads SWITCH.groups and SWITCH.flows from <paramref name="dir"/> for every switch:
    /// groups first (flows refer to them), then an atomic flow replace.</summary>
    public void LoadFiles(string dir)
    {
        foreach (var s in Topology.Switches)
        {
            var groups = Path.Combine(dir, s.Name + ".groups");
            Ofctl("-O", "OpenFlow15", "del-groups", Bridge(s.Name));
            if (new FileInfo(groups).Length > 0) Ofctl("-O", "OpenFlow15", "add-groups", Bridge(s.Name), groups);
            Ofctl("-O", "OpenFlow15", "--bundle", "replace-flows", Bridge(s.Name), Path.Combine(dir, s.Name + ".flows"));
        }
    }

    /// <summary>Applies a diff as one atomic <c>ovs-ofctl bundle</c> transaction.</summary>
    public void Apply(RuleSetDiff diff, string dir)
    {
        var file = Path.Combine(dir, diff.Switch + ".bundle");
        File.WriteAllText(file, diff.Render());
        Ofctl("-O", "OpenFlow15", "bundle", Bridge(diff.Switch), file);
    }

    /// <summary>Number of flows and groups installed on a switch.</summary>
    public (int Flows, int Groups) Counts(string sw)
    {
        var flows = Ofctl("-O", "OpenFlow15", "dump-flows", Bridge(sw)).Stdout.Split('\n').Count(l => l.Contains("cookie=", StringComparison.Ordinal));
        var groups = Ofctl("-O", "OpenFlow15", "dump-groups", Bridge(sw)).Stdout.Split('\n').Count(l => l.Contains("group_id=", StringComparison.Ordinal));
        return (flows, groups);
    }

    /// <summary>Starts <c>python3 -m http.server</c> bound to the instance's address and port inside its host's namespace, and waits until it listens.</summary>
    public void Serve(ServiceInstance i)
    {
        var ns = Namespace(i.Node);
        var dir = Path.Combine(Path.GetTempPath(), Prefix + "www-" + i.Id);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "index.html"), i.Id); // the body names the instance that answered
        _servers.Add(Shell.Start("ip", ["netns", "exec", ns, "python3", "-m", "http.server", "--bind", i.Address.ToString(), "--directory", dir, i.Port.ToString(CultureInfo.InvariantCulture)]));
        for (int t = 0; t < 100; t++)
        {
            var ss = Shell.Run("ip", ["netns", "exec", ns, "ss", "-ltnH", $"sport = :{i.Port}"]);
            if (ss.Stdout.Contains(':' + i.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)) return;
            Thread.Sleep(50);
        }
        throw new InvalidOperationException($"http.server for {i} did not start listening");
    }

    /// <summary>curl from a host's namespace; returns (HTTP code or 0, body).</summary>
    public (int Code, string Body) Curl(string host, string url, int timeoutSeconds = 3)
    {
        var r = Shell.Run("ip", ["netns", "exec", Namespace(host), "curl", "-s", "-m", timeoutSeconds.ToString(CultureInfo.InvariantCulture),
            "-w", "\n%{http_code}", url], timeoutMs: (timeoutSeconds + 5) * 1000);
        var nl = r.Stdout.LastIndexOf('\n');
        var code = nl >= 0 && int.TryParse(r.Stdout.AsSpan(nl + 1), out var c) ? c : 0;
        return (code, nl >= 0 ? r.Stdout[..nl] : "");
    }

    /// <summary>The host's ARP cache entry for <paramref name="ip"/> (the MAC), or null.</summary>
    public string? Neighbour(string host, string ip)
    {
        var r = Shell.Run("ip", ["netns", "exec", Namespace(host), "ip", "neigh", "show", ip]);
        var m = LladdrRegex().Match(r.Stdout);
        return m.Success ? m.Groups[1].Value : null;
    }

    /// <summary>Sum of n_packets over the flows with exactly this cookie on a switch.</summary>
    public long PacketsWithCookie(string sw, ulong cookie)
    {
        // Datapath flow statistics reach the OpenFlow rules only when the revalidator runs
        // (about every 500 ms); waiting for one full round makes the counters current.
        Shell.Run("ovs-appctl", ["-t", Path.Combine(OvsRunDir, "ovs-vswitchd.ctl"), "revalidator/wait"], _env).OrThrow("ovs-appctl revalidator/wait");
        var r = Ofctl("-O", "OpenFlow15", "dump-flows", Bridge(sw), $"cookie=0x{cookie:x}/-1");
        long sum = 0;
        foreach (Match m in PacketsRegex().Matches(r.Stdout)) sum += long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return sum;
    }

    /// <summary>Raw ovs-ofctl output, for failure messages.</summary>
    public string DumpFlows(string sw) => Ofctl("-O", "OpenFlow15", "dump-flows", Bridge(sw)).Stdout;

    public void Dispose()
    {
        foreach (var p in _servers)
        {
            try { if (!p.HasExited) p.Kill(entireProcessTree: true); p.WaitForExit(2000); } catch (InvalidOperationException) { }
            p.Dispose();
        }
        _servers.Clear();
        Shell.Run(Path.Combine(_root, "tools", "netns", "lab-down.sh"), [Prefix], _env);
    }

    [GeneratedRegex(@"lladdr ([0-9a-f:]{17})")]
    private static partial Regex LladdrRegex();
    [GeneratedRegex(@"n_packets=(\d+)")]
    private static partial Regex PacketsRegex();
}
