using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MeshSim.Stack.Tests.Kernel;

/// <summary>
/// Two network namespaces joined by a veth pair: "kernel" (10.77.0.1, a real Linux TCP stack and
/// the application under test) and "probe" (no address: a packet socket sends hand-made segments
/// and records the answers). Names are unique per process, so parallel runs do not collide; both
/// namespaces (and with them the veth) are deleted on dispose. The kernel namespace runs with
/// Linux's stock TCP settings, except for the few listed in <see cref="KernelSysctls"/>.
/// </summary>
internal sealed class KernelLab : IDisposable
{
    public const string KernelIp = "10.77.0.1", ProbeIp = "10.77.0.2";
    public const string KernelMac = "02:00:00:00:77:01", ProbeMac = "02:00:00:00:77:02";

    /// <summary>Sysctls set in the kernel namespace, and why: net.ipv4.tcp_rmem's maximum is
    /// Linux's compiled-in default (6 MiB, so the window scale is 7 whatever the host was tuned
    /// to), and tail loss probes are off because MeshSim does not send them (documented).</summary>
    public static readonly string[] KernelSysctls = ["net.ipv4.tcp_rmem=4096 131072 6291456", "net.ipv4.tcp_early_retrans=0"];

    // tools/netns/no-offload.py, found above the test binaries: the one script that turns a veth's offloads off.
    private static string NoOffloadScript
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "tools", "netns", "no-offload.py"))) dir = Path.GetDirectoryName(dir);
            return Path.Combine(dir ?? throw new DirectoryNotFoundException("tools/netns/no-offload.py not found"), "tools", "netns", "no-offload.py");
        }
    }

    private static int _serial;
    private readonly List<Process> _processes = new();

    public string KernelNs { get; }
    public string ProbeNs { get; }
    public string KernelDev { get; }
    public string ProbeDev { get; }

    /// <summary>The running kernel's release (`uname -r`).</summary>
    public static string KernelRelease => File.ReadAllText("/proc/sys/kernel/osrelease").Trim();

    [DllImport("libc")]
    private static extern uint geteuid();

    /// <summary>Skips the test when namespaces cannot be made here (not root, no `ip`), unless CI
    /// is set: there a missing prerequisite is a failure, so the differential tests cannot
    /// silently stop running.</summary>
    public static void RequireOrSkip()
    {
        string? why = null;
        if (!OperatingSystem.IsLinux()) why = "needs Linux";
        else if (geteuid() != 0) why = "needs root (network namespaces)";
        else if (FindIp() is null) why = "needs iproute2's `ip`";
        else if (Which("python3") is null) why = "needs python3";
        if (why is null) return;
        if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci && ci != "false")
            Assert.Fail($"kernel differential test: {why}, and CI={ci} forbids skipping");
        Skip.If(true, why);
    }

    public KernelLab()
    {
        int n = Interlocked.Increment(ref _serial);
        string id = $"{Environment.ProcessId % 100000}x{n}";
        KernelNs = $"msk{id}"; ProbeNs = $"msp{id}";
        KernelDev = $"vk{id}"; ProbeDev = $"vp{id}";
        try
        {
            Ip($"netns add {KernelNs}");
            Ip($"netns add {ProbeNs}");
            Ip($"link add {KernelDev} type veth peer name {ProbeDev}");
            Ip($"link set {KernelDev} netns {KernelNs}");
            Ip($"link set {ProbeDev} netns {ProbeNs}");
            Ip($"-n {KernelNs} link set {KernelDev} address {KernelMac}");
            Ip($"-n {ProbeNs} link set {ProbeDev} address {ProbeMac}");
            foreach (var ns in new[] { KernelNs, ProbeNs })
                Exec(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
            foreach (var s in KernelSysctls) Exec(KernelNs, "sysctl", "-qw", s);
            Ip($"-n {KernelNs} addr add {KernelIp}/24 dev {KernelDev}");
            Ip($"-n {KernelNs} link set lo up");
            Ip($"-n {KernelNs} link set {KernelDev} up");
            Ip($"-n {ProbeNs} link set {ProbeDev} up");
            Ip($"-n {KernelNs} neigh add {ProbeIp} lladdr {ProbeMac} dev {KernelDev} nud permanent");
            // veth checksum offload would hand the probe partial checksums; segmentation offload
            // would hand it super-frames. Off on both ends, as on a real wire.
            foreach (var (ns, dev) in new[] { (KernelNs, KernelDev), (ProbeNs, ProbeDev) })
                Exec(ns, "python3", NoOffloadScript, dev);
            // Until link watch has attached the real qdisc (asynchronously, up to a second later),
            // frames sent on a fresh veth are dropped: wait for both ends to be up and running.
            WaitRunning(KernelNs, KernelDev);
            WaitRunning(ProbeNs, ProbeDev);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private static void WaitRunning(string ns, string dev)
    {
        for (int i = 0; i < 100; i++)
        {
            var (_, text) = TryRun(FindIp()!, $"-n {ns} link show {dev}");
            if (text.Contains("state UP") && !text.Contains("qdisc noop")) return;
            Thread.Sleep(50);
        }
        throw new InvalidOperationException($"{ns}/{dev} did not come up");
    }

    /// <summary>Starts <paramref name="args"/> inside <paramref name="ns"/> with piped stdio and
    /// waits for its "ready" line.</summary>
    public Process StartReady(string ns, params string[] args)
    {
        var psi = new ProcessStartInfo(FindIp()!) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", ns }.Concat(args)) psi.ArgumentList.Add(a);
        var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {string.Join(' ', args)}");
        _processes.Add(p);
        var ready = p.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(15)) || ready.Result != "ready")
            throw new InvalidOperationException($"{string.Join(' ', args)} did not get ready: {ready.Result ?? p.StandardError.ReadToEnd()}");
        return p;
    }

    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Kernel", name);

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            try { if (!p.HasExited) p.Kill(entireProcessTree: true); p.WaitForExit(5000); } catch (InvalidOperationException) { }
            p.Dispose();
        }
        _processes.Clear();
        foreach (var ns in new[] { KernelNs, ProbeNs }) TryRun(FindIp()!, $"netns del {ns}");
    }

    private static void Ip(string args)
    {
        var (code, output) = TryRun(FindIp()!, args);
        if (code != 0) throw new InvalidOperationException($"ip {args}: {output}");
    }

    /// <summary>Output of a command in <paramref name="ns"/>, for diagnostics (never throws).</summary>
    public string Capture(string ns, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo(FindIp()!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "netns", "exec", ns }.Concat(args)) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return output;
        }
        catch (Exception e) { return e.Message; }
    }

    private static void Exec(string ns, params string[] args)
    {
        var psi = new ProcessStartInfo(FindIp()!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", ns }.Concat(args)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{ns}: {string.Join(' ', args)}: {output}");
    }

    private static (int Code, string Output) TryRun(string file, string args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }

    private static string? FindIp() => new[] { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip" }.FirstOrDefault(File.Exists);

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
