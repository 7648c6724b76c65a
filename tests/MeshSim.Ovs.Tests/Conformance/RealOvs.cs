using System.Diagnostics;

namespace MeshSim.Ovs.Tests.Conformance;

/// <summary>
/// Access to the real Open vSwitch 3.1 that tools/ovs/ovs-start.sh runs in a private run directory
/// ($MESHSIM_OVS_RUNDIR, default /tmp/meshsim-ovs; a system OVS in /var/run/openvswitch is used if
/// that is where the daemons are). Every command gets OVS_RUNDIR so clients find the sockets.
/// </summary>
public static class RealOvs
{
    private static readonly Lazy<string> LazyRunDir = new(EnsureStarted, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The run directory of the daemons the tests talk to (starting them if needed).</summary>
    public static string RunDir => LazyRunDir.Value;

    /// <summary>Result of running a command.</summary>
    public readonly record struct Run(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>Exit code 0.</summary>
        public bool Ok => ExitCode == 0;
    }

    /// <summary>Full path of an executable on PATH, or null.</summary>
    public static string? FindExecutable(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Concat(["/usr/sbin", "/sbin", "/usr/bin"]))
        {
            if (dir.Length == 0) continue;
            var path = Path.Combine(dir, name);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>Runs <c>ovs-ofctl</c> with the given arguments.</summary>
    public static Run OfCtl(params string[] args) => Exec("ovs-ofctl", args, RunDir);

    /// <summary>Runs <c>ovs-vsctl</c> with the given arguments.</summary>
    public static Run VsCtl(params string[] args) => Exec("ovs-vsctl", ["--timeout=10", .. args], RunDir);

    /// <summary>Runs <c>ovs-appctl</c> against ovs-vswitchd (e.g. <c>ofproto/trace BR FLOW</c>).</summary>
    public static Run AppCtl(params string[] args)
    {
        var ctl = Directory.EnumerateFiles(RunDir, "ovs-vswitchd*.ctl").First();
        return Exec("ovs-appctl", ["-t", ctl, .. args], RunDir);
    }

    /// <summary>Runs a program with OVS_RUNDIR set, capturing output.</summary>
    public static Run Exec(string program, IEnumerable<string> args, string? runDir)
    {
        var psi = new ProcessStartInfo(FindExecutable(program) ?? program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (runDir is not null) psi.Environment["OVS_RUNDIR"] = runDir;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
        var stderrTask = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return new Run(p.ExitCode, stdout, stderrTask.Result);
    }

    private static bool Alive(string runDir) =>
        File.Exists(Path.Combine(runDir, "db.sock"))
        && Exec("ovs-vsctl", ["--timeout=3", "show"], runDir).Ok
        && Directory.EnumerateFiles(runDir, "ovs-vswitchd*.ctl").Any();

    private static string EnsureStarted()
    {
        var configured = Environment.GetEnvironmentVariable("MESHSIM_OVS_RUNDIR");
        var candidates = configured is { Length: > 0 } ? [configured] : new[] { "/tmp/meshsim-ovs", "/var/run/openvswitch" };
        foreach (var dir in candidates)
            if (Alive(dir)) return dir;

        // Installed but not running: start the private instance, as CI does.
        var script = Path.Combine(RepoRoot(), "tools", "ovs", "ovs-start.sh");
        var run = Exec("bash", [script], null);
        if (!run.Ok) throw new InvalidOperationException($"Open vSwitch is installed but could not be started with {script}:\n{run.Stdout}{run.Stderr}");
        var started = run.Stdout.Trim().Split('\n').Last();
        if (!Alive(started)) throw new InvalidOperationException($"ovs-start.sh reported {started} but the daemons do not answer");
        return started;
    }

    /// <summary>The repository root (the directory holding MeshSim.sln).</summary>
    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "MeshSim.sln"))) return d.FullName;
        throw new InvalidOperationException("MeshSim.sln not found above " + AppContext.BaseDirectory);
    }
}
