using System.Text;
using BenchmarkDotNet.Attributes;
using MeshSim.P4.Execution;
using MeshSim.P4.Loading;
using MeshSim.P4.Programs;
using MeshSim.P4.Runtime;
using MeshSim.Wire;

namespace MeshSim.Benchmarks.P4;

/// <summary>
/// Packets per second through the interpreter (no tracing), 1024 distinct frames per invocation.
/// bmv2's documentation puts simple_switch at about 80 kpps with logging disabled; the target is 10x.
/// Run: dotnet run -c Release --project tools/MeshSim.Benchmarks -- --filter '*P4Throughput*' --job short
/// </summary>
[MemoryDiagnoser]
public class P4Throughput
{
    private const int Batch = 1024;
    private V1Switch _basic = null!, _mesh = null!;
    private byte[][] _basicFrames = null!, _meshL4 = null!, _meshL7 = null!, _meshReply = null!;
    private readonly EgressPackets _out = new();

    [GlobalSetup]
    public void Setup()
    {
        _basic = new V1Switch(P4Workloads.Basic(routes: 1000));
        _basicFrames = P4Workloads.Frames(Batch, i => P4Workloads.Ipv4Udp(0x0a000001, (uint)(10 << 24 | (i % 1000) << 8 | 7), (ushort)(1000 + i), 53, new byte[18]));

        var program = P4Loader.Load(MeshProgram.Json()).Program!;
        var cli = new RuntimeCli(program);
        foreach (var c in MeshCommands())
            if (cli.Execute(c) is { Ok: false } r) throw new InvalidOperationException($"'{c}': {r.Output}");
        _mesh = new V1Switch(program);
        uint vip = 0x0a000064;
        _meshL4 = P4Workloads.Frames(Batch, i => P4Workloads.Ipv4Udp((uint)(0x0a000001 + i % Clients), vip, (ushort)(20000 + i), 80, new byte[32]));
        _meshL7 = P4Workloads.Frames(Batch, i => P4Workloads.Ipv4Udp((uint)(0x0a000001 + i % Clients), vip, (ushort)(30000 + i), 80,
            MeshRequest(i % 4 == 0 ? "POST" : "GET", i % 2 == 0 ? "/api/items" : "/api/cart", i % 10 == 0)));
        _meshReply = P4Workloads.Frames(Batch, i => P4Workloads.Ipv4Udp(0x0a000102, (uint)(0x0a000001 + i % Clients), 80, (ushort)(30000 + i), new byte[32]));
        // Warm the connection table so the steady state (pinned flows) is measured.
        foreach (var f in _meshL4) _mesh.Process(f, 1, _out);
        foreach (var f in _meshL7) _mesh.Process(f, 1, _out);
    }

    private static byte[] MeshRequest(string method, string route, bool canary)
    {
        var repr = canary ? MeshHeaderRepr.Request(method, route, new KeyValuePair<string, string>("x-canary", "true")) : MeshHeaderRepr.Request(method, route);
        var buf = new byte[repr.BufferLength];
        repr.TryEmit(buf, out var n, out _);
        return [.. buf.AsSpan(0, n), .. Encoding.ASCII.GetBytes($"{method} {route} HTTP/1.1\r\nHost: svc\r\n\r\n")];
    }

    private const int Clients = 200;

    private static IEnumerable<string> MeshCommands()
    {
        // The vip table matches the client's address too: one entry per client address of the workload.
        for (int c = 1; c <= Clients; c++) yield return $"table_add vip set_vip 10.0.0.100 17 80 10.0.0.{c} => 1";
        for (int i = 1; i <= 4; i++)
        {
            yield return $"table_add backend dnat {i} => 10.0.1.{i} 00:00:00:00:01:0{i} {10 + i} 80";
            // Replies are un-NATed per (instance, client): one entry per client address of the workload.
            for (int c = 1; c <= Clients; c++)
                yield return $"table_add rev snat 10.0.1.{i} 17 80 10.0.0.{c} => 10.0.0.100 00:00:00:00:0a:64 80";
        }
        yield return "table_add fwd set_nhop 10.0.0.0/24 => 00:00:00:00:00:01 1";
        foreach (var p in new[] { "backends_a", "backends_b" })
        {
            for (int i = 1; i <= 4; i++) yield return $"act_prof_create_member {p} pick {i}";
            yield return $"act_prof_create_group {p}";
            for (int i = 0; i < 3; i++) yield return $"act_prof_add_member_to_group {p} {i} 0";
            yield return $"act_prof_create_group {p}";
            yield return $"act_prof_add_member_to_group {p} 3 1";
        }
        foreach (var t in new[] { "lb", "lb_retry" }) { yield return $"table_indirect_add_with_group {t} 1 0 => 0"; yield return $"table_indirect_add_with_group {t} 1 1 => 1"; }
        yield return "table_add l7 set_subset 1 0&&&0 1->2048 0&&&0 8&&&0xff 0x782d63616e617279&&&0xffffffffffffffff 4&&&0xffff 0x7472756500000000&&&0xffffffff00000000 => 1 10";
        yield return "table_add l7 deny 1 5&&&0xf 6->2048 0x2f61646d696e00000000000000000000&&&0xffffffffffff00000000000000000000 0&&&0 0&&&0 0&&&0 0&&&0 => 20";
        yield return "table_add cb_instance count_response 10.0.1.2 => 2 5 1000000";
    }

    private int Run(V1Switch sw, byte[][] frames)
    {
        int n = 0;
        foreach (var f in frames) { sw.Process(f, 1, _out); n += _out.Count; }
        return n;
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "basic.p4 LPM forward (1000 routes)")]
    public int BasicForward() => Run(_basic, _basicFrames);

    [Benchmark(OperationsPerInvoke = Batch, Description = "mesh.p4 VIP, pinned flows (UDP)")]
    public int MeshVipPinned() => Run(_mesh, _meshL4);

    [Benchmark(OperationsPerInvoke = Batch, Description = "mesh.p4 L7 request (mesh header)")]
    public int MeshL7Request() => Run(_mesh, _meshL7);

    [Benchmark(OperationsPerInvoke = Batch, Description = "mesh.p4 backend reply (SNAT + LPM)")]
    public int MeshReply() => Run(_mesh, _meshReply);
}
