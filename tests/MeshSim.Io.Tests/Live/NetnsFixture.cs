using System.Diagnostics;

namespace MeshSim.Io.Tests.Live;

/// <summary>
/// A network namespace with one veth pair: the namespace end carries an address, the root end is
/// left bare for the simulation to bridge. Created per test and always removed. Needs root and
/// iproute2, which CI has; elsewhere <see cref="Available"/> is false and the tests say so.
/// </summary>
public sealed class NetnsFixture : IDisposable
{
    public NetnsFixture(string tag, string cidr, string? mac = null)
    {
        Namespace = $"msim-{tag}";
        RootEnd = $"msr-{tag}";
        NsEnd = $"msn-{tag}";
        Cleanup();
        Sh($"ip netns add {Namespace}");
        Sh($"ip link add {RootEnd} type veth peer name {NsEnd}");
        if (mac is not null) Sh($"ip link set dev {NsEnd} address {mac}");
        Sh($"ip link set {NsEnd} netns {Namespace}");
        Sh($"ip -n {Namespace} addr add {cidr} dev {NsEnd}");
        Sh($"ip -n {Namespace} link set {NsEnd} up");
        Sh($"ip -n {Namespace} link set lo up");
        Sh($"ip link set {RootEnd} up");
        // A veth with TX checksum offload hands over frames with partial checksums; the simulated
        // host verifies checksums as a NIC would, so give it finished ones.
        Sh($"ip netns exec {Namespace} python3 {Tools}/netns/no-offload.py {NsEnd}");
        Sh($"python3 {Tools}/netns/no-offload.py {RootEnd}");
    }

    public string Namespace { get; }
    public string RootEnd { get; }
    public string NsEnd { get; }

    /// <summary>Root and the ip tool: what these tests need.</summary>
    public static bool Available => Environment.UserName == "root" && (File.Exists("/usr/sbin/ip") || File.Exists("/usr/bin/ip") || File.Exists("/sbin/ip"));

    /// <summary>
    /// Skips the calling test off CI when namespaces cannot be made here (not root, or no iproute2),
    /// and fails it under CI (env CI set), which runs as root with iproute2: never a silent pass.
    /// </summary>
    /// <param name="alsoNeeded">Further executables the test needs (absolute paths), judged the same way.</param>
    public static void RequireOrSkip(params string[] alsoNeeded)
    {
        string? missing = !Available ? "root and iproute2 (network namespaces)"
            : alsoNeeded.FirstOrDefault(t => !File.Exists(t));
        if (missing is null) return;
        Skip.If(Environment.GetEnvironmentVariable("CI") is null, "needs " + missing);
        Assert.Fail("CI must run this test, but it lacks " + missing);
    }

    /// <summary>Starts a long-running command inside the namespace; it is killed when the fixture is disposed.</summary>
    public void Start(string command) => Sh($"ip netns exec {Namespace} sh -c '{command} >/dev/null 2>&1 &'");

    /// <summary>Runs a command inside the namespace; returns (exit code, stdout+stderr).</summary>
    public (int Code, string Output) Exec(string command, int timeoutMs = 20_000) => Run($"ip netns exec {Namespace} {command}", timeoutMs);

    private static string Tools
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (dir is not null && !Directory.Exists(Path.Combine(dir, "tools", "netns"))) dir = Path.GetDirectoryName(dir);
            return Path.Combine(dir ?? throw new DirectoryNotFoundException("tools/netns not found"), "tools");
        }
    }

    private void Cleanup()
    {
        Run($"ip netns pids {Namespace} 2>/dev/null | xargs -r kill", 10_000);   // servers a test started inside
        Run($"ip netns del {Namespace}", 10_000);
        Run($"ip link del {RootEnd}", 10_000);
    }

    public void Dispose() => Cleanup();

    private static void Sh(string command)
    {
        var (code, output) = Run(command, 20_000);
        if (code != 0) throw new InvalidOperationException($"'{command}' failed ({code}): {output}");
    }

    public static (int Code, string Output) Run(string command, int timeoutMs)
    {
        using var p = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs)) { p.Kill(true); return (-1, $"timed out after {timeoutMs} ms"); }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
