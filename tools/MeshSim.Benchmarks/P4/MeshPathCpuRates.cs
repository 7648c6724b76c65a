using System.Globalization;

namespace MeshSim.Benchmarks.P4;

/// <summary>
/// Packets per CPU-second per mesh path and target: each path runs 7 rounds of about 200 ms of thread
/// CPU time after a warm-up; a round's rate is packets / thread CPU seconds. The table gives the best
/// round and the median: on a loaded VM even thread CPU time is inflated (cache and steal time), and the
/// best round is the closest to an idle machine.
/// Printed by <see cref="MeshPathBenchmarks"/>' setup when MESHSIM_CPU_RATES=1.
/// </summary>
internal static class MeshPathCpuRates
{
    public static void Print(MeshPathWorkload w)
    {
        var paths = new (string Path, Func<long> P4, Func<long> Ovs)[]
        {
            ("ARP responder (VIP)", () => w.RunP4(w.ArpForVip, 1), () => w.RunOvs(w.ArpForVip, 1)),
            ("VIP LB, established connection", () => w.RunP4(w.VipData, 1), () => w.RunOvs(w.VipData, 1)),
            ("mesh-header L7 request", () => w.RunP4(w.L7Requests, 1), () => w.RunOvs(w.L7Requests, 1)),
            ("reply to the client (SNAT / un-NAT)", () => w.RunP4(w.P4Replies), () => w.RunOvs(w.OvsReplies)),
            ("circuit-breaker response (mesh header)", () => w.RunP4(w.P4MeshResponses), () => w.RunOvs(w.OvsMeshResponses)),
        };
        Console.WriteLine("| path | P4 interpreter, kpps per CPU-s: best (median) | OVS model, kpps per CPU-s: best (median) |");
        Console.WriteLine("|---|---:|---:|");
        // MESHSIM_CPU_RATES_ONLY=text keeps the paths whose name contains it (for profiling one path).
        var only = Environment.GetEnvironmentVariable("MESHSIM_CPU_RATES_ONLY");
        foreach (var (path, p4, ovs) in paths.Where(p => only is null || p.Path.Contains(only, StringComparison.Ordinal)))
        {
            var (a, b) = (Rate(p4), Rate(ovs));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {path} | {a.Best:N0} ({a.Median:N0}) | {b.Best:N0} ({b.Median:N0}) |"));
        }
    }

    /// <summary>Best and median of 7 rounds of packets per thread-CPU-second, in kpps.</summary>
    private static (double Best, double Median) Rate(Func<long> run)
    {
        for (int i = 0; i < 2000; i++) run();      // tier-1 JIT
        var rounds = new double[7];
        for (int r = 0; r < rounds.Length; r++)
        {
            long packets = 0, start = ThreadCpuClock.NowNs(), spent;
            // Read the clock every 64 runs: CLOCK_THREAD_CPUTIME_ID is a system call, not free next to a 1-frame run.
            do { for (int k = 0; k < 64; k++) packets += run(); spent = ThreadCpuClock.NowNs() - start; } while (spent < 200_000_000);
            rounds[r] = packets / (spent / 1e9) / 1000;
        }
        Array.Sort(rounds);
        return (rounds[^1], rounds[rounds.Length / 2]);
    }
}
