using System.Diagnostics;

namespace MeshSim.Oracles.RealOvs;

/// <summary>What a command printed and how it ended.</summary>
/// <param name="ExitCode">Exit status; -1 when it was killed after its time limit.</param>
/// <param name="Stdout">Standard output.</param>
/// <param name="Stderr">Standard error (or the time-limit message).</param>
public readonly record struct CommandResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Exit code 0.</summary>
    public bool Ok => ExitCode == 0;
}

/// <summary>
/// Runs the OVS command-line clients (and <c>ip</c>) with a time limit. The tester must never hang:
/// a daemon that stops answering turns into a failed command after <see cref="Timeout"/>, not a
/// stuck run.
/// </summary>
public sealed class OvsCommand(string runDir)
{
    /// <summary>The OVS run directory the clients talk to (OVS_RUNDIR).</summary>
    public string RunDir { get; } = runDir;

    /// <summary>Longest a single command may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary><c>ovs-ofctl ARGS</c>.</summary>
    public CommandResult OfCtl(params string[] args) => Run("ovs-ofctl", args);

    /// <summary><c>ovs-vsctl --timeout=10 ARGS</c>.</summary>
    public CommandResult VsCtl(params string[] args) => Run("ovs-vsctl", ["--timeout=10", .. args]);

    /// <summary><c>ovs-appctl -t VSWITCHD ARGS</c>.</summary>
    public CommandResult AppCtl(params string[] args)
    {
        var ctl = Directory.EnumerateFiles(RunDir, "ovs-vswitchd*.ctl").FirstOrDefault()
                  ?? throw new InvalidOperationException($"no ovs-vswitchd control socket in {RunDir}");
        return Run("ovs-appctl", ["--timeout=10", "-t", ctl, .. args]);
    }

    /// <summary>Runs <paramref name="program"/> with OVS_RUNDIR set.</summary>
    public CommandResult Run(string program, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(FindExecutable(program) ?? program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OVS_RUNDIR"] = RunDir;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(Timeout))
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            p.WaitForExit(1000);
            return new CommandResult(-1, "", $"{program} {string.Join(' ', psi.ArgumentList)}: no answer within {Timeout.TotalSeconds:0}s");
        }
        return new CommandResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Full path of <paramref name="name"/> on PATH (or the sbin directories), or null.</summary>
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

    /// <summary>The run directory of a live OVS: $MESHSIM_OVS_RUNDIR, else the private default
    /// (/tmp/meshsim-ovs, what tools/ovs/ovs-start.sh uses), else the system one; null when none answers.</summary>
    public static string? FindRunDir()
    {
        var configured = Environment.GetEnvironmentVariable("MESHSIM_OVS_RUNDIR");
        string[] candidates = configured is { Length: > 0 } ? [configured] : ["/tmp/meshsim-ovs", "/var/run/openvswitch"];
        foreach (var dir in candidates)
            if (File.Exists(Path.Combine(dir, "db.sock")) && Directory.Exists(dir) && Directory.EnumerateFiles(dir, "ovs-vswitchd*.ctl").Any()
                && new OvsCommand(dir) { Timeout = TimeSpan.FromSeconds(5) }.VsCtl("show").Ok)
                return dir;
        return null;
    }
}
