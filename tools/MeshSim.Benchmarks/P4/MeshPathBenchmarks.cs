using BenchmarkDotNet.Attributes;

namespace MeshSim.Benchmarks.P4;

/// <summary>
/// Packets per second per mesh path, P4 interpreter (mesh.p4 with the controller's entries) next to
/// the OpenFlow model (the controller's rules for the same registry), on switch s1 of the thesis
/// lab, 256 established connections per invocation (1 frame for ARP). Paths OpenFlow cannot take
/// (reading the mesh header) run the same frames through the OpenFlow rules as plain TCP.
/// Run: dotnet run -c Release --project tools/MeshSim.Benchmarks -- --filter '*MeshPathBenchmarks*'
///      --iterationTime 2 --iterationCount 100 --warmupCount 100 --launchCount 1 --inProcess
/// </summary>
[MemoryDiagnoser]
public class MeshPathBenchmarks
{
    private const int N = MeshPathWorkload.Connections;
    private MeshPathWorkload _w = null!;

    [GlobalSetup]
    public void Setup()
    {
        _w = new MeshPathWorkload();
        // Every path must forward every frame on both targets, or the figures mean nothing.
        Check("ARP P4", _w.RunP4(_w.ArpForVip, 1), 1);
        Check("ARP OVS", _w.RunOvs(_w.ArpForVip, 1), 1);
        Check("VIP P4", _w.RunP4(_w.VipData, 1), N);
        Check("VIP OVS", _w.RunOvs(_w.VipData, 1), N);
        Check("L7 P4", _w.RunP4(_w.L7Requests, 1), N);      // the deny rule (DELETE /admin) matches none of these
        Check("L7 OVS", _w.RunOvs(_w.L7Requests, 1), N);
        Check("reply P4", _w.RunP4(_w.P4Replies), N);
        Check("reply OVS", _w.RunOvs(_w.OvsReplies), N);
        Check("CB P4", _w.RunP4(_w.P4MeshResponses), N);
        Check("CB OVS", _w.RunOvs(_w.OvsMeshResponses), N);
        // Bring every path's code to tier-1 JIT before BenchmarkDotNet's short iterations start: with
        // 2 ms iterations its own warm-up ends before tiering does, and tier-0 code measured 3-6x slower.
        for (int i = 0; i < 1000; i++)
        {
            _w.RunP4(_w.ArpForVip, 1); _w.RunOvs(_w.ArpForVip, 1);
            _w.RunP4(_w.VipData, 1); _w.RunOvs(_w.VipData, 1);
            _w.RunP4(_w.L7Requests, 1); _w.RunOvs(_w.L7Requests, 1);
            _w.RunP4(_w.P4Replies); _w.RunOvs(_w.OvsReplies);
            _w.RunP4(_w.P4MeshResponses); _w.RunOvs(_w.OvsMeshResponses);
        }
        if (Environment.GetEnvironmentVariable("MESHSIM_CPU_RATES") == "1") MeshPathCpuRates.Print(_w);
    }

    private static void Check(string what, long got, long expected)
    {
        if (got != expected) throw new InvalidOperationException($"{what}: {got} frames out, expected {expected}");
    }

    [Benchmark(OperationsPerInvoke = 1, Description = "P4: ARP responder (VIP)")]
    public long P4Arp() => _w.RunP4(_w.ArpForVip, 1);

    [Benchmark(OperationsPerInvoke = 1, Description = "OVS: ARP responder (VIP)")]
    public long OvsArp() => _w.RunOvs(_w.ArpForVip, 1);

    [Benchmark(OperationsPerInvoke = N, Description = "P4: VIP LB, pinned connection (conn_table)")]
    public long P4Vip() => _w.RunP4(_w.VipData, 1);

    [Benchmark(OperationsPerInvoke = N, Description = "OVS: VIP LB, established (ct nat)")]
    public long OvsVip() => _w.RunOvs(_w.VipData, 1);

    [Benchmark(OperationsPerInvoke = N, Description = "P4: mesh-header L7 request (l7 + pinned)")]
    public long P4L7() => _w.RunP4(_w.L7Requests, 1);

    [Benchmark(OperationsPerInvoke = N, Description = "OVS: same frames as plain TCP")]
    public long OvsL7() => _w.RunOvs(_w.L7Requests, 1);

    [Benchmark(OperationsPerInvoke = N, Description = "P4: reply (rev SNAT + fwd)")]
    public long P4Reply() => _w.RunP4(_w.P4Replies);

    [Benchmark(OperationsPerInvoke = N, Description = "OVS: reply (ct un-NAT)")]
    public long OvsReply() => _w.RunOvs(_w.OvsReplies);

    [Benchmark(OperationsPerInvoke = N, Description = "P4: circuit-breaker response (cb_instance + rev + fwd)")]
    public long P4CircuitBreaker() => _w.RunP4(_w.P4MeshResponses);

    [Benchmark(OperationsPerInvoke = N, Description = "OVS: same frames as plain reply")]
    public long OvsCircuitBreaker() => _w.RunOvs(_w.OvsMeshResponses);
}
