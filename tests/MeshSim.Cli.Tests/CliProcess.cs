using System.Diagnostics;

namespace MeshSim.Cli.Tests;

/// <summary>Runs the real <c>meshsim</c> binary as a user would, capturing exit code and output.</summary>
internal static class CliProcess
{
    public static (int Code, string Out, string Err) Run(params string[] args) => RunIn(MeshSim.Cli.Tests.Run.ThesisLabTests.Repo, args);

    public static (int Code, string Out, string Err) RunIn(string workingDirectory, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "meshsim.dll");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException($"meshsim {string.Join(' ', args)} did not finish in 120 s"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
