using System.Diagnostics;

namespace MeshSim.Engine.Tests;

/// <summary>A node that records what it receives and can be told to send.</summary>
internal sealed class RecordingNode : Node
{
    public RecordingNode(Network network, string name, int ports = 1) : base(network, name)
    {
        for (uint i = 1; i <= ports; i++) AddPort(i);
    }

    public Port Port1 => Ports[0];
    public List<(long Time, uint Port, byte[] Bytes)> Received { get; } = new();
    public List<(uint Port, bool Live)> PortChanges { get; } = new();

    /// <summary>Sends a frame of <paramref name="length"/> bytes whose first 8 bytes hold <paramref name="tag"/>.</summary>
    public void Send(int length, long tag = 0, Port? port = null)
    {
        var f = Network.Frames.Rent();
        f.Length = length;
        f.Data.Clear();
        BitConverter.TryWriteBytes(f.Data, tag);
        (port ?? Port1).Send(f);
    }

    protected internal override void Receive(Port port, Frame frame)
    {
        Received.Add((Sim.Now, port.Number, frame.Data.ToArray()));
        frame.Release();
    }

    protected internal override void OnPortStateChanged(Port port) => PortChanges.Add((port.Number, port.IsLive));

    public long[] ReceivedTags => Received.Select(r => BitConverter.ToInt64(r.Bytes, 0)).ToArray();
}

/// <summary>Records every observer callback.</summary>
internal sealed class RecordingObserver : IFrameObserver
{
    public List<(long Time, string Port, string What)> Events { get; } = new();
    public void OnSent(long timeNs, Port port, ReadOnlySpan<byte> frame) => Events.Add((timeNs, port.ToString(), "sent"));
    public void OnReceived(long timeNs, Port port, ReadOnlySpan<byte> frame) => Events.Add((timeNs, port.ToString(), "received"));
    public void OnDropped(long timeNs, Port? port, ReadOnlySpan<byte> frame, DropReason reason, string? detail) =>
        Events.Add((timeNs, port?.ToString() ?? "-", $"dropped:{reason}"));
    public int Count(string what) => Events.Count(e => e.What == what);
}

/// <summary>Records the order in which events ran.</summary>
internal sealed class RecordingHandler : IEventHandler
{
    public List<(long Time, long Arg)> Runs { get; } = new();
    public void OnEvent(Simulator sim, long arg, object? state) => Runs.Add((sim.Now, arg));
}

/// <summary>Runs tshark on a capture file.</summary>
internal static class Tshark
{
    public static readonly bool Available = Find() is not null;

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, "tshark")).FirstOrDefault(File.Exists);

    /// <summary>Runs tshark with <paramref name="args"/>; returns exit code, stdout and stderr.</summary>
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var psi = new ProcessStartInfo("tshark") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(); throw new TimeoutException("tshark did not finish in 60 s"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Asserts tshark reads the file cleanly: exit 0, nothing but the root warning on stderr,
    /// no "malformed" or "error" in the packet summaries, and no Error-severity expert info (which is
    /// where dissector exceptions and malformed packets are reported). Returns the frame count.</summary>
    public static int AssertReadsCleanly(string path)
    {
        var (exit, summary, err) = Run("-r", path);
        Assert.True(exit == 0, $"tshark exit {exit}: {err}");
        var complaints = err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("Running as user \"root\"", StringComparison.Ordinal)).ToArray();
        Assert.True(complaints.Length == 0, $"tshark stderr: {err}");
        Assert.DoesNotContain("malformed", summary, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("error", summary, StringComparison.OrdinalIgnoreCase);
        var (exit2, expert, err2) = Run("-r", path, "-q", "-z", "expert");
        Assert.True(exit2 == 0, err2);
        Assert.DoesNotContain("Errors (", expert);
        Assert.DoesNotContain("Malformed", expert);
        return summary.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }
}

/// <summary>A fact that is skipped only when tshark is not installed.</summary>
public sealed class TsharkFactAttribute : FactAttribute
{
    public TsharkFactAttribute()
    {
        if (!Tshark.Available) Skip = "tshark is not installed";
    }
}

/// <summary>A temporary directory removed on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("meshsim-engine-").FullName;
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}
