using MeshSim.Engine;
using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;
using MeshSim.Wire;

namespace MeshSim.Stack.Tests.Iface;

/// <summary>Host-level behaviour: ARP, IPv4 checks, RST and ICMP answers, listen backlog.</summary>
public class HostStackTests
{
    /// <summary>Records frames sent and drops, for assertions on what hosts put on links.</summary>
    private sealed class Recorder : IFrameObserver
    {
        public readonly List<(long Time, string Port, byte[] Frame)> Sent = new();
        public readonly List<(DropReason Reason, string? Detail)> Dropped = new();
        public void OnSent(long timeNs, Port port, ReadOnlySpan<byte> frame) => Sent.Add((timeNs, port.Name, frame.ToArray()));
        public void OnReceived(long timeNs, Port port, ReadOnlySpan<byte> frame) { }
        public void OnDropped(long timeNs, Port? port, ReadOnlySpan<byte> frame, DropReason reason, string? detail) => Dropped.Add((reason, detail));
        public int ArpRequestsFrom(string port) => Sent.Count(s => s.Port == port && EtherTypeOf(s.Frame) == EtherType.Arp && s.Frame[21] == 1);
        private static ushort EtherTypeOf(byte[] f) => (ushort)(f[12] << 8 | f[13]);
    }

    private static (StarNet Net, Recorder Rec) Pair(HostOptions? options = null)
    {
        var n = new StarNet(2, new LinkOptions(LatencyNs: 10_000), options: options, direct: true);
        var rec = new Recorder();
        n.Net.AddObserver(rec);
        return (n, rec);
    }

    [Fact]
    public void Static_arp_entry_means_no_request_is_sent()
    {
        var (n, rec) = Pair();
        n[1].Interfaces[0].Arp.AddStatic(n[2].Address, n[2].Interfaces[0].Mac);
        n[2].Interfaces[0].Arp.AddStatic(n[1].Address, n[1].Interfaces[0].Mac);
        long? rtt = null;
        n.Sim.Spawn(async () => rtt = await n[1].PingAsync(n[2].Address));
        n.Sim.RunUntil(SimTime.Second);
        Assert.NotNull(rtt);
        Assert.Equal(0, rec.ArpRequestsFrom("h1-eth0") + rec.ArpRequestsFrom("h2-eth0"));
    }

    [Fact]
    public void Dynamic_entries_expire_and_are_resolved_again()
    {
        var (n, rec) = Pair(new HostOptions { ArpReachableNs = 5 * SimTime.Second });
        List<string> table = [];
        n.Sim.Spawn(async () =>
        {
            await n[1].PingAsync(n[2].Address);
            await n.Sim.Delay(2 * SimTime.Second);
            await n[1].PingAsync(n[2].Address);          // still cached
            await n.Sim.Delay(10 * SimTime.Second);
            await n[1].PingAsync(n[2].Address);          // expired: ask again
            table = n[1].Interfaces[0].Arp.Describe(n.Sim.Now).ToList();
        });
        n.Sim.RunUntil(30 * SimTime.Second);
        Assert.Equal(2, rec.ArpRequestsFrom("h1-eth0"));
        Assert.Equal(["10.0.0.2 at 02:00:00:00:00:02"], table);
        Assert.Empty(n[1].Interfaces[0].Arp.Describe(n.Sim.Now));       // 30 s: expired again
    }

    [Fact]
    public void Unanswered_arp_drops_parked_frames_with_a_reason()
    {
        var (n, rec) = Pair();
        long? rtt = 0;
        n.Sim.Spawn(async () => rtt = await n[1].PingAsync(Ipv4Address.Parse("10.0.0.99"), timeoutNs: 10 * SimTime.Second));
        n.Sim.RunUntil(20 * SimTime.Second);
        Assert.Null(rtt);
        Assert.Equal(3, rec.ArpRequestsFrom("h1-eth0"));                 // 3 attempts, 1 s apart
        Assert.Equal(1, n[1].Counters.ArpFailed);
        Assert.Contains(rec.Dropped, d => d.Reason == DropReason.Host && d.Detail!.Contains("no ARP reply from 10.0.0.99"));
        Assert.Equal(0, n.Net.Frames.Outstanding);
    }

    [Fact]
    public void Syn_to_a_closed_port_is_refused_by_reset()
    {
        var (n, _) = Pair();
        Exception? error = null;
        n.Sim.Spawn(async () =>
        {
            try { await n[1].ConnectAsync(n[2].Address, 81); }
            catch (TcpException e) { error = e; }
        });
        n.Sim.RunUntil(SimTime.Second);
        Assert.Equal(TcpError.ConnectionRefused, Assert.IsType<TcpException>(error).Error);
        Assert.Equal(1, n[2].Counters.TcpResetsSent);
        Assert.Equal(0, n[1].TcpConnectionCount);
    }

    [Fact]
    public void Udp_to_a_closed_port_gets_icmp_port_unreachable()
    {
        var (n, rec) = Pair();
        var sock = n[1].BindUdp(4000);
        n.Sim.Schedule(0, () => sock.SendTo(n[2].Address, 9, "hi"u8));
        n.Sim.RunUntil(SimTime.Second);
        Assert.Equal(1, n[2].Counters.UdpPortUnreachable);
        var icmp = rec.Sent.Single(s => s.Port == "h2-eth0" && s.Frame.Length > 23 && s.Frame[23] == IpProtocol.Icmp);
        Assert.Equal(IcmpV4Type.DestinationUnreachable, icmp.Frame[34]);
        Assert.Equal(IcmpV4Unreachable.Port, icmp.Frame[35]);
    }

    [Fact]
    public void Udp_datagrams_reach_a_bound_socket()
    {
        var (n, _) = Pair();
        var server = n[2].BindUdp(53);
        var client = n[1].BindUdp(40000);
        MeshSim.Stack.Sockets.UdpDatagram? got = null;
        n.Sim.Spawn(async () => got = await server.ReceiveAsync());
        n.Sim.Schedule(0, () => client.SendTo(n[2].Address, 53, "query"u8));
        n.Sim.RunUntil(SimTime.Second);
        Assert.Equal("query"u8.ToArray(), got!.Data);
        Assert.Equal(n[1].Address, got.From);
        Assert.Equal(40000, got.FromPort);
    }

    [Fact]
    public void Fragments_are_dropped_with_a_reason()
    {
        var (n, rec) = Pair();
        n[2].Interfaces[0].Arp.AddStatic(n[1].Address, n[1].Interfaces[0].Mac);
        var buf = new byte[200];
        int len = FrameBuilder.Udp(buf, new EthernetRepr(n[1].Interfaces[0].Mac, n[2].Interfaces[0].Mac, EtherType.Ipv4),
            new Ipv4Repr(n[1].Address, n[2].Address, MoreFragments: true, Identification: 7), new UdpRepr(1, 2, 0), new byte[16]);
        n.Sim.Schedule(0, () => n[1].Ports[0].Send(n.Net.Frames.Rent(buf.AsSpan(0, len))));
        n.Sim.RunUntil(SimTime.Second);
        Assert.Equal(1, n[2].Counters.Fragments);
        Assert.Contains(rec.Dropped, d => d.Detail!.Contains("fragment"));
        Assert.Equal(0, n[2].Counters.UdpPortUnreachable);
    }

    [Fact]
    public void Corrupted_tcp_checksum_is_dropped_not_answered()
    {
        var (n, rec) = Pair();
        var buf = new byte[200];
        int len = FrameBuilder.Tcp(buf, new EthernetRepr(n[1].Interfaces[0].Mac, n[2].Interfaces[0].Mac, EtherType.Ipv4),
            new Ipv4Repr(n[1].Address, n[2].Address), new TcpRepr(1234, 80, 1, 0, TcpFlags.Syn, 1000), default);
        buf[len - 1] ^= 0xFF;   // flip the last TCP header byte (urgent pointer): checksum no longer matches
        n.Sim.Schedule(0, () => n[1].Ports[0].Send(n.Net.Frames.Rent(buf.AsSpan(0, len))));
        n.Sim.RunUntil(SimTime.Second);
        Assert.Equal(1, n[2].Counters.BadChecksum);
        Assert.Equal(0, n[2].Counters.TcpResetsSent);
    }

    [Fact]
    public void Listen_backlog_drops_syns_beyond_it()
    {
        var n = new StarNet(3, new LinkOptions(LatencyNs: 10_000));
        var listener = n[3].Listen(80, backlog: 1);     // nobody accepts
        int connected = 0;
        n.Sim.Spawn(async () => { await n[1].ConnectAsync(n[3].Address, 80); connected++; });
        n.Sim.Spawn(async () => { await n.Sim.Delay(SimTime.Millisecond); await n[2].ConnectAsync(n[3].Address, 80); connected++; });
        n.Sim.RunUntil(500 * SimTime.Millisecond);
        Assert.Equal(1, connected);
        Assert.True(listener.SynsDropped >= 1);
        n.Sim.Spawn(async () => { await listener.AcceptAsync(); });   // room again: the retried SYN gets in
        n.Sim.RunUntil(5 * SimTime.Second);
        Assert.Equal(2, connected);
    }

    [Fact]
    public void Malformed_frames_never_crash_the_host()
    {
        var (n, rec) = Pair();
        var rng = new Random(3);
        n.Sim.Schedule(0, () =>
        {
            for (int i = 0; i < 500; i++)
            {
                var junk = new byte[rng.Next(0, 120)];
                rng.NextBytes(junk);
                if (junk.Length >= 14) { n[2].Interfaces[0].Mac.Write(junk); junk[12] = 0x08; junk[13] = (byte)(i % 2 == 0 ? 0x00 : 0x06); }
                n[1].Ports[0].Send(n.Net.Frames.Rent(junk));
            }
        });
        n.Sim.RunUntil(SimTime.Second);
        Assert.True(n[2].Counters.Malformed + n[2].Counters.BadChecksum + n[2].Counters.NotForUs > 400);
        Assert.Equal(0, n.Net.Frames.Outstanding);
    }
}

public class HostSelfAddressTests
{
    [Fact]
    public void Connecting_to_the_own_address_fails_clearly()
    {
        var n = new StarNet(2, direct: true);
        Exception? error = null;
        n.Sim.Spawn(async () =>
        {
            try { await n[1].ConnectAsync(n[1].Address, 80); }
            catch (MeshSim.Stack.Sockets.TcpException e) { error = e; }
        });
        n.Sim.RunUntil(SimTime.Second);
        Assert.Contains("loopback is not modelled", error!.Message);
        Assert.Throws<ArgumentException>(() => n[1].PingAsync(n[1].Address));
    }
}

public class HostDescribeTests
{
    [Fact]
    public void Describe_lists_addresses_routes_neighbours_and_sockets()
    {
        var n = new StarNet(2, direct: true);
        n[2].Listen(80);
        n.Sim.Spawn(async () => { await n[1].ConnectAsync(n[2].Address, 80); });
        n.Sim.RunUntil(SimTime.Second);
        Assert.Equal(
            "host h1\n" +
            "  link h1-eth0 02:00:00:00:00:01 mtu 1500\n" +
            "    inet 10.0.0.1/24\n" +
            "  route 10.0.0.0/24 dev h1-eth0\n" +
            "  neigh 10.0.0.2 at 02:00:00:00:00:02 dev h1-eth0\n" +
            "  tcp Established 10.0.0.1:32768 10.0.0.2:80\n", n[1].Describe());
        Assert.Contains("  tcp LISTEN *:80 backlog 128\n", n[2].Describe());
    }
}
