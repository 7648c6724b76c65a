using System.Diagnostics;

namespace MeshSim.Control.Tests.RealOvs;

/// <summary>Runs a command and returns its exit code and output; never throws for a non-zero exit.</summary>
internal static class Shell
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public Result OrThrow(string what) =>
            ExitCode == 0 ? this : throw new InvalidOperationException($"{what} failed (exit {ExitCode}): {Stderr.Trim()} {Stdout.Trim()}");
    }

    public static Result Run(string file, IEnumerable<string> args, IDictionary<string, string>? env = null, int timeoutMs = 30_000)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            return new Result(-1, stdout.Result, $"timed out after {timeoutMs} ms. " + stderr.Result);
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts a long-running process (a server in a namespace); the caller kills it by its id.</summary>
    public static Process Start(string file, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>The repository root: the nearest parent directory holding MeshSim.sln.</summary>
    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "MeshSim.sln"))) return d.FullName;
        throw new InvalidOperationException("MeshSim.sln not found above " + AppContext.BaseDirectory);
    }
}
