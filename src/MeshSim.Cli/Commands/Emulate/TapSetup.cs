using System.Diagnostics;
using MeshSim.Cli.Scenario;

namespace MeshSim.Cli.Commands.Emulate;

/// <summary>
/// <c>emulate --tap HOST=TAP --configure</c>: the TAP takes the external host's MAC and address, so
/// the kernel behind it is that host (its ARP, its TCP), and comes up. Done with iproute2, as a
/// user would by hand.
/// </summary>
internal static class TapSetup
{
    /// <summary>Sets <paramref name="tap"/>'s MAC and address from <paramref name="host"/> and brings it up.</summary>
    /// <exception cref="InvalidOperationException">An <c>ip</c> command failed (its message).</exception>
    public static void Configure(string tap, HostSpec host)
    {
        Ip("link", "set", "dev", tap, "address", host.Mac.ToString());
        Ip("addr", "replace", $"{host.Ip}/{host.PrefixLength}", "dev", tap);
        Ip("link", "set", "dev", tap, "up");
    }

    private static void Ip(params string[] args)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process? p;
        try { p = Process.Start(psi); }
        catch (System.ComponentModel.Win32Exception ex) { throw new InvalidOperationException($"--configure needs iproute2's ip: {ex.Message}", ex); }
        using (p)
        {
            var err = p!.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"--configure: ip {string.Join(' ', args)}: {err.Trim()}");
        }
    }
}
