using System.Collections.Concurrent;
using System.Diagnostics;
using MeshSim.Wire;

namespace MeshSim.Stack.Tests.Kernel;

/// <summary>The Linux kernel in the lab's kernel namespace, with kernel_app.py as its application;
/// the probe is packet_probe.py in the probe namespace. Real time: waits are wall-clock waits.</summary>
internal sealed class KernelTarget : ITcpTarget
{
    private readonly KernelLab _lab = new();
    private readonly Process _probe;
    private readonly BlockingCollection<string> _lines = new();
    private readonly long _t0 = MonotonicNs();

    /// <summary>CLOCK_MONOTONIC in ns, the clock packet_probe.py stamps frames with.</summary>
    private static long MonotonicNs() => (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));

    public KernelTarget(TargetApp app, ushort port, int bytes = 0)
    {
        try
        {
            _probe = StartProbe();
            WarmUp();
            if (app != TargetApp.None)
            {
                string mode = app switch
                {
                    TargetApp.ListenHold => "listen-hold", TargetApp.ListenSend => "listen-send",
                    TargetApp.ListenClose => "listen-close", _ => "connect",
                };
                _lab.StartReady(_lab.KernelNs, "python3", KernelLab.Script("kernel_app.py"), mode, port.ToString(), bytes.ToString());
            }
        }
        catch
        {
            _lab.Dispose();
            throw;
        }
    }

    public string Name => $"linux {KernelLab.KernelRelease}";

    private Process StartProbe()
    {
        var p = _lab.StartReady(_lab.ProbeNs, "python3", KernelLab.Script("packet_probe.py"), _lab.ProbeDev);
        var reader = new Thread(() =>
        {
            try { while (p.StandardOutput.ReadLine() is { } line) _lines.Add(line); }
            catch (ObjectDisposedException) { }
            catch (InvalidOperationException) { }
        }) { IsBackground = true };
        reader.Start();
        return p;
    }

    /// <summary>A fresh namespace pair sometimes loses the first frames (seen on a loaded machine
    /// even after both ends report running): knock on a closed port until the RST comes back, so
    /// the scenario starts on a path known to work both ways.</summary>
    private void WarmUp()
    {
        for (int i = 0; i < 20; i++)
        {
            Send(new TcpRepr(1, 1, 1, 0, TcpFlags.Syn, 1024), default);
            if (Next(250_000_000) is { } s && (s.Segment.Flags & TcpFlags.Rst) != 0 && s.Segment.DestinationPort == 1)
            {
                while (Next(50_000_000) is not null) { }
                return;
            }
        }
        throw new InvalidOperationException("no answer from the kernel namespace through the veth");
    }

    public void Send(in TcpRepr segment, ReadOnlySpan<byte> payload)
    {
        _probe.StandardInput.WriteLine(Convert.ToHexString(WireFrames.FromProbe(segment, payload)));
        _probe.StandardInput.Flush();
    }

    public Seen? Next(long timeoutNs)
    {
        long deadline = Stopwatch.GetTimestamp() + timeoutNs * Stopwatch.Frequency / 1_000_000_000;
        while (true)
        {
            long left = (deadline - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency;
            if (left <= 0 || !_lines.TryTake(out var line, (int)left))
            {
                if (_probe.HasExited) throw new InvalidOperationException($"the packet probe exited: {_probe.StandardError.ReadToEnd()}");
                return null;
            }
            if (!line.StartsWith("rx ")) continue;
            var parts = line.Split(' ');
            long at = long.Parse(parts[1]) - _t0;
            if (WireFrames.Read(at, Convert.FromHexString(parts[2])) is { } seen) return seen;
        }
    }

    public List<Seen> Collect(long durationNs)
    {
        var all = new List<Seen>();
        long end = Stopwatch.GetTimestamp() + durationNs * Stopwatch.Frequency / 1_000_000_000;
        while (true)
        {
            long left = (end - Stopwatch.GetTimestamp()) * 1_000_000_000 / Stopwatch.Frequency;
            if (left <= 0 || Next(left) is not { } s) return all;
            all.Add(s);
        }
    }

    public string Diagnose() =>
        _lab.Capture(_lab.KernelNs, "nstat", "-az") .Split('\n').Where(l => l.Length > 0 && !l.TrimEnd().EndsWith(" 0") && !System.Text.RegularExpressions.Regex.IsMatch(l, @"\s0\s+0\.0$")).Aggregate("", (a, l) => a + l + "\n")
        + _lab.Capture(_lab.KernelNs, "ss", "-tanoi");

    public void Dispose()
    {
        _lab.Dispose();
        _lines.Dispose();
    }
}
