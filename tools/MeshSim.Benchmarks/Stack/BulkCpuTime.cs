using System.Diagnostics;

namespace MeshSim.Benchmarks.Stack;

/// <summary>
/// The bulk-TCP figure on a shared machine: runs <see cref="BulkTcpScenario"/> for one simulated
/// second 4 times to warm up, then 10 times timed by process CPU time (which other processes'
/// load inflates far less than wall time) and wall time, and prints the best and median of each
/// with link frames per CPU second. Run: dotnet run -c Release --project tools/MeshSim.Benchmarks -- bulk-cpu
/// </summary>
public static class BulkCpuTime
{
    /// <summary>Measures and prints one line.</summary>
    public static void Run()
    {
        var cpu = new List<double>();
        var wall = new List<double>();
        long frames = 0;
        using var self = Process.GetCurrentProcess();
        for (int i = 0; i < 14; i++)
        {
            self.Refresh();
            var c0 = self.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var s = new BulkTcpScenario();
            s.Run();
            sw.Stop();
            self.Refresh();
            frames = s.LinkFrames;
            if (i < 4) continue;
            cpu.Add((self.TotalProcessorTime - c0).TotalMilliseconds);
            wall.Add(sw.Elapsed.TotalMilliseconds);
        }
        cpu.Sort();
        wall.Sort();
        Console.WriteLine($"bulk: link_frames={frames} cpu_ms best={cpu[0]:0} median={cpu[cpu.Count / 2]:0} " +
                          $"wall_ms best={wall[0]:0} median={wall[wall.Count / 2]:0} link_frames_per_cpu_s={frames / (cpu[0] / 1000):0}");
    }
}
