using System.Buffers.Binary;
using MeshSim.P4.Execution;
using MeshSim.P4.Programs;
using static MeshSim.P4.Tests.Programs.MeshFrames;
using static MeshSim.P4.Tests.TestFrames;

namespace MeshSim.P4.Tests.Programs;

public class MeshProgramTests
{
    private static readonly uint Vip = Ip("10.0.0.100"), Client = Ip("10.0.0.1");
    private static readonly uint[] Backends = [Ip("10.0.1.1"), Ip("10.0.1.2"), Ip("10.0.1.3"), Ip("10.0.1.4")];

    /// <summary>The port the backends listen on; clients use the VIP's port 80.</summary>
    internal const ushort BackendPort = 8080;

    /// <summary>What the controller would install for one service (VIP 10.0.0.100:80, instances on :8080) with backends 1-3 in subset 0 and backend 4 as the canary subset 1.</summary>
    internal static string[] ServiceCommands() =>
    [
        "table_add arp_vip arp_reply 10.0.0.100 1 => 00:00:00:00:0a:64",
        "mc_mgrp_create 1", "mc_node_create 0 1 2 3 4", "mc_node_associate 1 0",
        "table_add vip set_vip 10.0.0.100 6 80 10.0.0.1 => 1", "table_add vip set_vip 10.0.0.100 17 80 10.0.0.1 => 1",
        .. Enumerable.Range(1, 4).Select(i => $"table_add backend dnat {i} => 10.0.1.{i} 00:00:00:00:01:0{i} {10 + i} {BackendPort}"),
        .. Enumerable.Range(1, 4).SelectMany(i => new[] { $"table_add rev snat 10.0.1.{i} 6 {BackendPort} 10.0.0.1 => 10.0.0.100 00:00:00:00:0a:64 80", $"table_add rev snat 10.0.1.{i} 17 {BackendPort} 10.0.0.1 => 10.0.0.100 00:00:00:00:0a:64 80" }),
        "table_add fwd set_nhop 10.0.0.0/24 => 00:00:00:00:00:01 1",
        .. new[] { "backends_a", "backends_b" }.SelectMany(p => new[]
        {
            $"act_prof_create_member {p} pick 1", $"act_prof_create_member {p} pick 2", $"act_prof_create_member {p} pick 3", $"act_prof_create_member {p} pick 4",
            $"act_prof_create_group {p}", $"act_prof_add_member_to_group {p} 0 0", $"act_prof_add_member_to_group {p} 1 0", $"act_prof_add_member_to_group {p} 2 0",
            $"act_prof_create_group {p}", $"act_prof_add_member_to_group {p} 3 1",
        }),
        "table_indirect_add_with_group lb 1 0 => 0", "table_indirect_add_with_group lb 1 1 => 1",
        "table_indirect_add_with_group lb_retry 1 0 => 0", "table_indirect_add_with_group lb_retry 1 1 => 1",
    ];

    private static Harness Mesh(params string[] extra) => new(TestPrograms.Load(MeshProgram.Build()), [.. ServiceCommands(), .. extra]);

    private static int BackendOf(byte[] f) => Array.IndexOf(Backends, DstIp(f)) + 1;

    [Fact]
    public void Arp_request_for_the_vip_is_answered_on_the_ingress_port()
    {
        var h = Mesh();
        var (port, o) = Assert.Single(h.Send(ArpRequest(Client, Vip), port: 3));
        Assert.Equal(3, port);
        Assert.Equal(ClientMac, o[0..6]);
        Assert.Equal(Vmac, o[6..12]);
        Assert.Equal(2, BinaryPrimitives.ReadUInt16BigEndian(o.AsSpan(20)));   // reply
        Assert.Equal(Vmac, o[22..28]);                                        // sender hw = virtual MAC
        Assert.Equal(Vip, BinaryPrimitives.ReadUInt32BigEndian(o.AsSpan(28)));
        Assert.Equal(ClientMac, o[32..38]);
        Assert.Equal(Client, BinaryPrimitives.ReadUInt32BigEndian(o.AsSpan(38)));
    }

    [Fact]
    public void Arp_for_other_addresses_is_flooded()
    {
        var h = Mesh();
        var outs = h.Send(ArpRequest(Client, Ip("10.0.0.7")), port: 2);
        Assert.Equal([1, 2, 3, 4], outs.Select(o => o.Port));   // mc group 1 (simple_switch replicates to the ingress port too)
    }

    [Fact]
    public void Vip_traffic_is_dnatted_with_valid_checksums_and_replies_are_snatted()
    {
        var h = Mesh();
        var syn = Tcp(Client, Vip, 40000, 80, flags: 0x02, options: [2, 4, 5, 0xb4, 1, 1, 4, 2]);   // MSS + SACK-permitted options
        var (port, o) = Assert.Single(h.Send(syn));
        int b = BackendOf(o);
        Assert.InRange(b, 1, 3);                               // subset 0 only
        Assert.Equal(10 + b, port);
        Assert.Equal(0xFFFF, (ushort)~HashAlgorithms.Csum16(o.AsSpan(14, 20)));
        Assert.Equal(L4Checksum(o), L4ChecksumField(o));       // TCP checksum recomputed over the new pseudo-header
        Assert.Equal(syn[54..], o[54..]);                      // options survive
        Assert.Equal(40000, SrcPort(o));
        Assert.Equal(BackendPort, DstPort(o));                 // the VIP's port 80 becomes the instance's port

        var reply = Tcp(Backends[b - 1], Client, BackendPort, 40000, flags: 0x12);
        var (rport, r) = Assert.Single(h.Send(reply, port: (uint)(10 + b)));
        Assert.Equal(1, rport);
        Assert.Equal(Vip, SrcIp(r));
        Assert.Equal(80, SrcPort(r));                          // and back: the client sees VIP:80
        Assert.Equal(40000, DstPort(r));
        Assert.Equal(L4Checksum(r), L4ChecksumField(r));
    }

    [Fact]
    public void Open_connections_keep_their_backend_when_membership_changes()
    {
        var h = Mesh();
        var pinned = new Dictionary<ushort, int>();
        for (ushort sport = 41000; sport < 41030; sport++)
            pinned[sport] = BackendOf(h.Send(Tcp(Client, Vip, sport, 80, 0x02))[0].Frame);
        int victim = pinned.Values.GroupBy(x => x).OrderByDescending(g => g.Count()).First().Key;
        // The controller scales the service in: backend `victim` leaves both selector groups.
        h.Run($"act_prof_remove_member_from_group backends_a {victim - 1} 0");
        h.Run($"act_prof_remove_member_from_group backends_b {victim - 1} 0");
        foreach (var (sport, b) in pinned)
            Assert.Equal(b, BackendOf(h.Send(Tcp(Client, Vip, sport, 80, 0x10, payload: [1, 2, 3]))[0].Frame));
        for (ushort sport = 42000; sport < 42100; sport++)
            Assert.NotEqual(victim, BackendOf(h.Send(Tcp(Client, Vip, sport, 80, 0x02))[0].Frame));
    }

    [Fact]
    public void Fin_unpins_the_connection()
    {
        var h = Mesh();
        h.Send(Tcp(Client, Vip, 43000, 80, 0x02));
        Assert.Contains(h.Run("register_read conn_table").Split(", "), v => v != "0" && !v.Contains('='));
        h.Send(Tcp(Client, Vip, 43000, 80, 0x11));   // FIN+ACK
        Assert.DoesNotContain(h.Run("register_read conn_table")["conn_table= ".Length..].Split(", "), v => v != "0");
    }

    /// <summary>The <c>conn_table</c> slot of a 5-tuple, computed as the program does (CRC32 of the packed fields, modulo the register size).</summary>
    private static int ConnSlot(uint src, uint dst, byte proto, ushort sport, ushort dport)
    {
        Span<byte> t = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(t, src);
        BinaryPrimitives.WriteUInt32BigEndian(t[4..], dst);
        t[8] = proto;
        BinaryPrimitives.WriteUInt16BigEndian(t[9..], sport);
        BinaryPrimitives.WriteUInt16BigEndian(t[11..], dport);
        return (int)(HashAlgorithms.Crc32(t) % MeshProgram.ConnSlots);
    }

    private static string Dotted(uint ip) => $"{ip >> 24}.{(ip >> 16) & 0xff}.{(ip >> 8) & 0xff}.{ip & 0xff}";

    [Fact]
    public void One_port_means_what_each_clients_entry_says_and_nothing_for_a_client_without_one()
    {
        // Port 80 is VIP id 1 (backends 1-3) for 10.0.0.1 and VIP id 2 (backend 4 alone) for 10.0.0.2.
        var h = Mesh("table_add vip set_vip 10.0.0.100 6 80 10.0.0.2 => 2",
            "table_indirect_add_with_group lb 2 0 => 1", "table_indirect_add_with_group lb_retry 2 0 => 1");
        for (ushort sport = 41000; sport < 41020; sport++)
        {
            Assert.InRange(BackendOf(h.Send(Tcp(Client, Vip, sport, 80, 0x02))[0].Frame), 1, 3);
            Assert.Equal(4, BackendOf(h.Send(Tcp(Ip("10.0.0.2"), Vip, sport, 80, 0x02))[0].Frame));
        }
        // 10.0.0.3 has no vip entry: its SYN is not translated (fwd routes it unchanged, towards the VIP's subnet).
        var (_, o) = Assert.Single(h.Send(Tcp(Ip("10.0.0.3"), Vip, 41000, 80, 0x02)));
        Assert.Equal(Vip, DstIp(o));
    }

    [Fact]
    public void A_stale_pin_of_another_vip_in_the_same_slot_is_never_used()
    {
        // VIP :90 is a second service (VIP id 2) served by backend 4 alone.
        // Connection B (below) to :90 comes from another client whose 5-tuple hashes to connection A's slot.
        const ushort sportA = 43000;
        int slot = ConnSlot(Client, Vip, 6, sportA, 80);
        var (clientB, sportB) = Enumerable.Range(2, 250).SelectMany(c => Enumerable.Range(1024, 65536 - 1024).Select(p => ((uint)(Client - 1 + c), (ushort)p)))
            .First(x => ConnSlot(x.Item1, Vip, 6, x.Item2, 90) == slot);
        var h = Mesh($"table_add vip set_vip 10.0.0.100 6 90 {Dotted(clientB)} => 2",
            "table_indirect_add_with_group lb 2 0 => 1", "table_indirect_add_with_group lb_retry 2 0 => 1");
        // Connection A to :80 closes; its client's last ACK (after both FINs) pins the 5-tuple again.
        int b = BackendOf(h.Send(Tcp(Client, Vip, sportA, 80, 0x02))[0].Frame);
        h.Send(Tcp(Client, Vip, sportA, 80, 0x11));   // FIN+ACK: unpinned
        Assert.Equal($"conn_table[{slot}]= 0", h.Run($"register_read conn_table {slot}"));
        h.Send(Tcp(Client, Vip, sportA, 80, 0x10));   // the last ACK: a stale pin in the slot this test computed
        Assert.NotEqual($"conn_table[{slot}]= 0", h.Run($"register_read conn_table {slot}"));

        // Connection B to :90, from the other client whose 5-tuple hashes to the same slot.
        var (port, o) = Assert.Single(h.Send(Tcp(clientB, Vip, sportB, 90, 0x02)));
        Assert.Equal(4, BackendOf(o));                 // VIP :90's only backend, not A's backend {b}
        Assert.Equal(14, port);
        // B now owns the slot; A's 5-tuple, seen again, is re-selected within its own VIP.
        Assert.InRange(BackendOf(h.Send(Tcp(Client, Vip, sportA, 80, 0x02))[0].Frame), 1, 3);
        Assert.InRange(b, 1, 3);
    }

    [Fact]
    public void Port_translation_both_ways_and_vip_checked_pins_allocate_nothing_per_packet()
    {
        var h = Mesh(["table_add vip set_vip 10.0.0.100 6 90 10.0.0.1 => 2", "table_add vip set_vip 10.0.0.100 6 90 10.0.0.2 => 2",
            "table_add cb_instance count_response 10.0.1.2 => 2 5 1000000",
            "table_indirect_add_with_group lb 2 0 => 1", "table_indirect_add_with_group lb_retry 2 0 => 1",
            .. Enumerable.Range(1, 4).Select(i => $"table_add rev snat 10.0.1.{i} 6 {BackendPort} 10.0.0.2 => 10.0.0.100 00:00:00:00:0a:64 90")]);
        int b = BackendOf(h.Send(Tcp(Client, Vip, 40000, 80, 0x02))[0].Frame);
        uint client2 = Ip("10.0.0.2");
        int b2 = BackendOf(h.Send(Tcp(client2, Vip, 40005, 90, 0x02))[0].Frame);
        var frames = new (byte[] Frame, uint Port)[]
        {
            (Tcp(Client, Vip, 40000, 80, 0x18, payload: new byte[100]), 1),                                 // pinned, dnat with port
            (Tcp(Client, Vip, 40000, 90, 0x18, payload: new byte[100]), 1),                                 // another VIP, pinned with its own VIP id
            (Udp(Client, Vip, 40002, 80, MeshRequest("GET", "/api/items", ("x-canary", "true"))), 1),
            (Tcp(Backends[b - 1], Client, BackendPort, 40000, 0x18, payload: new byte[100]), (uint)(10 + b)), // rev: VIP and port restored
            (Udp(Backends[1], Client, BackendPort, 40002, MeshResponse(503)), 12),
            (Tcp(Backends[b2 - 1], client2, BackendPort, 40005, 0x18, payload: new byte[100]), (uint)(10 + b2)), // rev: another client, another VIP port
        };
        var sw = h.Switch;
        sw.TraceEnabled = false;
        var output = new EgressPackets();
        int sent = 0;
        void RunAll(int rounds) { for (int r = 0; r < rounds; r++) foreach (var (f, p) in frames) { sw.Process(f, p, output, nowNs: r); sent += output.Count; } }
        RunAll(200);
        long before = GC.GetAllocatedBytesForCurrentThread();
        RunAll(2000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(2200 * frames.Length, sent);       // every frame forwarded, none dropped
        var output1 = h.Send(frames[^1].Frame, frames[^1].Port);
        Assert.Equal(90, SrcPort(Assert.Single(output1).Frame));
    }

    [Fact]
    public void Canary_header_routes_to_the_canary_subset_and_counts_per_route()
    {
        // x-canary: true (8-byte label, 4-byte value) -> subset 1; everything else stays on subset 0.
        var h = Mesh("table_add l7 set_subset 1 0&&&0 1->2048 0&&&0 8&&&0xff 0x782d63616e617279&&&0xffffffffffffffff 4&&&0xffff 0x7472756500000000&&&0xffffffff00000000 => 1 10");
        for (ushort sport = 5000; sport < 5020; sport++)
        {
            var canary = Udp(Client, Vip, sport, 80, MeshRequest("GET", "/api/items", ("x-canary", "true")));
            Assert.Equal(4, BackendOf(h.Send(canary)[0].Frame));
            var stable = Udp(Client, Vip, (ushort)(sport + 100), 80, MeshRequest("GET", "/api/items", ("x-canary", "false")));
            Assert.InRange(BackendOf(h.Send(stable)[0].Frame), 1, 3);
        }
        int len = Udp(Client, Vip, 5000, 80, MeshRequest("GET", "/api/items", ("x-canary", "true"))).Length;
        Assert.EndsWith($"({20 * len} bytes, 20 packets)", h.Run("counter_read l7_counter 0"));   // only canary requests hit the rule
    }

    [Fact]
    public void Header_0_and_the_route_are_found_past_a_field_table_of_several_entries()
    {
        // Mesh header v2 puts all field lengths before the route: the parser takes entry 0, skips the
        // other entries, then reads the route and header 0's label and value.
        var h = Mesh(
            "table_add l7 set_subset 1 0&&&0 1->2048 0&&&0 8&&&0xff 0x782d63616e617279&&&0xffffffffffffffff 4&&&0xffff 0x7472756500000000&&&0xffffffff00000000 => 1 10",
            "table_add l7 deny 1 5&&&0xf 6->2048 0x2f61646d696e00000000000000000000&&&0xffffffffffff00000000000000000000 0&&&0 0&&&0 0&&&0 0&&&0 => 20");
        (string, string)[] others = [("host", "items.service.consul"), ("accept", "application/json"), ("x-request-id", "7f3a")];
        var first = MeshRequest("GET", "/api/items", [("x-canary", "true"), .. others]);
        var f = Udp(Client, Vip, 5100, 80, first);
        var (_, o) = Assert.Single(h.Send(f));
        Assert.Equal(4, BackendOf(o));
        Assert.Equal(f[42..], o[42..]);   // the payload, mesh header included, leaves unchanged
        // The same field as the second header is not header 0: no canary.
        Assert.InRange(BackendOf(h.Send(Udp(Client, Vip, 5101, 80, MeshRequest("GET", "/api/items", [others[0], ("x-canary", "true"), .. others[1..]])))[0].Frame), 1, 3);
        // The route prefix is read after the table, whatever its length.
        Assert.Empty(h.Send(Udp(Client, Vip, 5102, 80, MeshRequest("DELETE", "/admin/users/7", others))));
        Assert.Single(h.Send(Udp(Client, Vip, 5103, 80, MeshRequest("DELETE", "/api/users/7", others))));
    }

    [Fact]
    public void Intentions_deny_by_method_and_route_prefix()
    {
        // DELETE (method 5) on routes starting with "/admin" is denied.
        var h = Mesh("table_add l7 deny 1 5&&&0xf 6->2048 0x2f61646d696e00000000000000000000&&&0xffffffffffff00000000000000000000 0&&&0 0&&&0 0&&&0 0&&&0 => 1");
        Assert.Empty(h.Send(Udp(Client, Vip, 6000, 80, MeshRequest("DELETE", "/admin/users/7"))));
        Assert.Single(h.Send(Udp(Client, Vip, 6001, 80, MeshRequest("GET", "/admin/users/7"))));
        Assert.Single(h.Send(Udp(Client, Vip, 6002, 80, MeshRequest("DELETE", "/api/users/7"))));
        Assert.Single(h.Send(Udp(Client, Vip, 6003, 80, MeshRequest("DELETE", "/adm"))));   // shorter than the prefix: range on route_len
        Assert.EndsWith(" 1 packets)", h.Run("counter_read l7_counter 0"));
    }

    [Fact]
    public void Weighted_rollout_follows_member_multiplicity()
    {
        // subset 2: 9 members of backend 1 and 1 member of backend 4 -> about 90/10.
        var cmds = new List<string>();
        foreach (var p in new[] { "backends_a", "backends_b" })
        {
            for (int i = 0; i < 10; i++) cmds.Add($"act_prof_create_member {p} pick {(i < 9 ? 1 : 4)}");   // handles 4..13
            cmds.Add($"act_prof_create_group {p}");                                                           // group 2
            for (int i = 0; i < 10; i++) cmds.Add($"act_prof_add_member_to_group {p} {4 + i} 2");
        }
        cmds.Add("table_indirect_add_with_group lb 1 2 => 2");
        cmds.Add("table_indirect_add_with_group lb_retry 1 2 => 2");
        cmds.Add("table_add l7 set_subset 1 0&&&0 1->2048 0&&&0 0&&&0 0&&&0 0&&&0 0&&&0 => 2 100");
        cmds.AddRange(Enumerable.Range(2, 199).Select(c => $"table_add vip set_vip 10.0.0.100 17 80 10.0.0.{c} => 1"));   // the 200 clients below
        var h = Mesh([.. cmds]);
        int canary = 0, n = 2000;
        for (int i = 0; i < n; i++)
        {
            var f = Udp(Ip($"10.0.0.{1 + i % 200}"), Vip, (ushort)(7000 + i), 80, MeshRequest("GET", "/"));
            if (BackendOf(h.Send(f)[0].Frame) == 4) canary++;
        }
        Assert.InRange(canary, n * 6 / 100, n * 14 / 100);
    }

    [Fact]
    public void Circuit_breaker_trips_after_consecutive_5xx_and_recovers_after_cooldown()
    {
        // backend 2: three consecutive 5xx trip it for 1 s.
        var h = Mesh("table_add cb_instance count_response 10.0.1.2 => 2 3 1000000");
        void Respond(int status, long t) => h.Send(Udp(Backends[1], Client, BackendPort, 9999, MeshResponse(status)), port: 12, nowNs: t);
        Respond(503, 1_000); Respond(503, 2_000); Respond(200, 3_000);   // a success resets the run
        Respond(503, 4_000); Respond(502, 5_000);
        Assert.Equal("tripped_until[2]= 0", h.Run("register_read tripped_until 2"));
        Respond(500, 6_000);
        Assert.Equal("tripped_until[2]= 1000006", h.Run("register_read tripped_until 2"));   // µs: 6 + 1 000 000

        int ToB2(long t, int baseSport)
        {
            int c = 0;
            for (int i = 0; i < 300; i++)
                if (BackendOf(h.Send(Udp(Client, Vip, (ushort)(baseSport + i), 80, MeshRequest("GET", "/")), nowNs: t)[0].Frame) == 2) c++;
            return c;
        }
        int during = ToB2(500_000_000, 10000);          // 0.5 s: tripped
        int after = ToB2(2_000_000_000, 20000);         // 2 s: cool-down over
        Assert.True(during < 300 / 3 / 2, $"tripped backend still got {during} of 300 new flows");
        Assert.InRange(after, 300 / 3 - 40, 300 / 3 + 40);
    }
}

public class MeshCommandsTests
{
    [Fact]
    public void Commands_written_from_mesh_concepts_run_the_service()
    {
        var w = new MeshCommands()
            .ArpResponder("10.0.0.100", "00:00:00:00:0a:64").FloodPorts(1, 2, 3)
            .Vip("10.0.0.100", 17, 80, "10.0.0.1", vipId: 1)
            .Backend(1, "10.0.1.1", "00:00:00:00:01:01", 11, 8080, "10.0.0.100", "00:00:00:00:0a:64", 80, ["10.0.0.1"])
            .Backend(2, "10.0.1.2", "00:00:00:00:01:02", 12, 8081, "10.0.0.100", "00:00:00:00:0a:64", 80, ["10.0.0.1"])
            .Subset(1, 0, (1, 1))
            .Subset(1, 1, (2, 1))
            .HeaderRoute(1, "x-canary", "true", subset: 1, priority: 10)
            .RouteRule(1, method: 5, "/admin", subset: null, priority: 5)
            .Route("10.0.0.0", 24, "00:00:00:00:00:01", 1);
        var h = new Harness(TestPrograms.Load(MeshProgram.Build()), [.. w.Lines]);
        uint vip = TestFrames.Ip("10.0.0.100"), client = TestFrames.Ip("10.0.0.1");
        Assert.Equal(TestFrames.Ip("10.0.1.2"), MeshFrames.DstIp(h.Send(MeshFrames.Udp(client, vip, 5000, 80, MeshFrames.MeshRequest("GET", "/", ("x-canary", "true"))))[0].Frame));
        Assert.Equal(TestFrames.Ip("10.0.1.1"), MeshFrames.DstIp(h.Send(MeshFrames.Udp(client, vip, 5001, 80, MeshFrames.MeshRequest("GET", "/")))[0].Frame));
        Assert.Empty(h.Send(MeshFrames.Udp(client, vip, 5002, 80, MeshFrames.MeshRequest("DELETE", "/admin/x"))));
    }
}
