using System.Diagnostics;
using MeshSim.Cli.Tests.Run;

namespace MeshSim.Cli.Tests.Lab;

/// <summary>Runs the real <c>meshsim</c> binary with a script on stdin, as <c>meshsim lab &lt; script.txt</c> would.</summary>
internal static class LabProcess
{
    public static (int Code, string Out, string Err) Run(string stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = ThesisLabTests.Repo, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "meshsim.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException($"meshsim {string.Join(' ', args)} did not finish in 120 s"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
