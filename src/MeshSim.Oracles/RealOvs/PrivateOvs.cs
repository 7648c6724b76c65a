namespace MeshSim.Oracles.RealOvs;

/// <summary>
/// An Open vSwitch of the tester's own: ovsdb-server and ovs-vswitchd (userspace datapath) started
/// by tools/ovs/ovs-start.sh inside a network namespace created for it. Why not the daemons the
/// other tests share: all netdev bridges of one vswitchd share one datapath and so one conntrack
/// table, which the tester flushes before every case and dumps after it; and a second vswitchd in
/// the same namespace cannot open its datapath (the <c>ovs-netdev</c> tap device is taken). The
/// bridge's veth pairs span the namespaces: OVS's end inside, the captured end where the tester runs.
/// </summary>
public sealed class PrivateOvs : IDisposable
{
    private PrivateOvs(string netns, string runDir)
    {
        Netns = netns;
        Ovs = new OvsCommand(runDir);
    }

    /// <summary>The namespace the daemons run in.</summary>
    public string Netns { get; }

    /// <summary>Clients of the daemons.</summary>
    public OvsCommand Ovs { get; }

    /// <summary>Starts (or reuses, when alive) daemons in namespace <paramref name="netns"/> with run
    /// directory <paramref name="runDir"/>; <paramref name="startScript"/> is tools/ovs/ovs-start.sh.</summary>
    public static PrivateOvs Start(string netns, string runDir, string startScript)
    {
        var sh = new OvsCommand(runDir);
        if (!File.Exists($"/run/netns/{netns}"))
            Check(sh.Run("ip", ["netns", "add", netns]), "ip netns add");
        Check(sh.Run("ip", ["netns", "exec", netns, "ip", "link", "set", "lo", "up"]), "lo up");
        Check(sh.Run("ip", ["netns", "exec", netns, "env", $"MESHSIM_OVS_RUNDIR={runDir}", "bash", startScript]), "ovs-start.sh");
        return new PrivateOvs(netns, runDir);
    }

    /// <summary>Finds tools/ovs/ovs-start.sh above <paramref name="from"/> (the repository's), or null.</summary>
    public static string? FindStartScript(string from)
    {
        for (var d = new DirectoryInfo(from); d is not null; d = d.Parent)
        {
            var script = Path.Combine(d.FullName, "tools", "ovs", "ovs-start.sh");
            if (File.Exists(script)) return script;
        }
        return null;
    }

    private static void Check(CommandResult r, string what)
    {
        if (!r.Ok) throw new InvalidOperationException($"{what} failed ({r.ExitCode}): {r.Stdout}{r.Stderr}".Trim());
    }

    /// <summary>Stops the daemons and removes the namespace.</summary>
    public void Dispose()
    {
        foreach (var daemon in new[] { "ovs-vswitchd", "ovsdb-server" })
        {
            var ctl = Directory.Exists(Ovs.RunDir) ? Directory.EnumerateFiles(Ovs.RunDir, daemon + "*.ctl").FirstOrDefault() : null;
            if (ctl is not null) Ovs.Run("ovs-appctl", ["--timeout=5", "-t", ctl, "exit"]);
        }
        Ovs.Run("ip", ["netns", "del", Netns]);
    }
}
