using System.Diagnostics;

namespace MeshSim.Wire.Tests;

/// <summary>Runs tshark / ovs-ofctl (installed on CI and dev machines) and returns stdout lines.</summary>
internal static class ExternalTool
{
    public static string[] Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} is required for this conformance test (install tshark / openvswitch-switch): {e.Message}");
        }
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} {string.Join(' ', args)} exited {p.ExitCode}: {stderr.Result}");
        return stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
