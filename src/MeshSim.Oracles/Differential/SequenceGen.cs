using FsCheck;
using FsCheck.Fluent;
using MeshSim.Wire;
using static MeshSim.Oracles.Differential.FrameFactory;

namespace MeshSim.Oracles.Differential;

/// <summary>
/// FsCheck generators of packet sequences: a few conversations between the hosts (or to the
/// virtual IP, with replies coming from the backend a DNAT would pick) interleaved at random, each
/// keeping its own order. Conversations: ARP request/reply, ICMP echo, ICMP unreachable quoting a
/// UDP datagram, UDP request/reply, and TCP with handshake, data, FIN or RST, retransmissions and
/// stale ACKs.
/// </summary>
public static class SequenceGen
{
    /// <summary>A whole sequence: 1-4 interleaved conversations.</summary>
    public static Gen<List<PacketSpec>> Sequence() =>
        from convs in Gen.Choose(1, 4).SelectMany(n => Conversation().ListOf(n))
        let order = convs.SelectMany((c, i) => Enumerable.Repeat(i, c.Count)).ToArray()
        from shuffled in Gen.Shuffle(order)
        select Interleave(convs.Select(c => c.ToList()).ToList(), shuffled);

    /// <summary>One conversation.</summary>
    public static Gen<List<PacketSpec>> Conversation() =>
        Gen.Frequency(
            (2, Arp()),
            (2, Echo()),
            (1, IcmpError()),
            (2, Udp()),
            (5, Tcp()));

    private static List<PacketSpec> Interleave(List<List<PacketSpec>> convs, int[] order)
    {
        var next = new int[convs.Count];
        return order.Select(i => convs[i][next[i]++]).ToList();
    }

    /// <summary>(client, what it addresses, who answers): a host, or the VIP answered by host 2 or 3
    /// from the service port or the DNAT port.</summary>
    private static Gen<(Endpoint Client, Endpoint Server, Endpoint Replier)> Ends(ushort servicePort) =>
        from c in Gen.Choose(1, AddressPlan.Hosts)
        from cport in Gen.Choose(1024, 65000)
        from toVip in Gen.Frequency((3, Gen.Constant(false)), (2, Gen.Constant(true)))
        from other in Gen.Choose(1, AddressPlan.Hosts - 1)
        from backend in Gen.Choose(2, 3)
        from natPort in Gen.Elements(true, false)
        let s = other >= c ? other + 1 : other
        let client = new Endpoint(c, AddressPlan.Mac(c), AddressPlan.Ip(c), (ushort)cport)
        let host = new Endpoint(s, AddressPlan.Mac(s), AddressPlan.Ip(s), servicePort)
        let vip = new Endpoint(0, AddressPlan.VipMac, AddressPlan.Vip, servicePort)
        let back = new Endpoint(backend, AddressPlan.Mac(backend), AddressPlan.Ip(backend), natPort ? AddressPlan.BackendPort : servicePort)
        select toVip ? (client, vip, back) : (client, host, host);

    private static Gen<List<PacketSpec>> Arp() =>
        from c in Gen.Choose(1, AddressPlan.Hosts)
        from other in Gen.Choose(1, AddressPlan.Hosts - 1)
        from toVip in Gen.Elements(true, false)
        from answered in Gen.Elements(true, false)
        let s = other >= c ? other + 1 : other
        select toVip
            ? new List<PacketSpec> { new((uint)c, ArpRequest(c, AddressPlan.Vip), "arp-request") }
            : answered
                ? new List<PacketSpec> { new((uint)c, ArpRequest(c, AddressPlan.Ip(s)), "arp-request"), new((uint)s, ArpReply(s, c), "arp-reply") }
                : new List<PacketSpec> { new((uint)c, ArpRequest(c, AddressPlan.Ip(s)), "arp-request") };

    private static Gen<List<PacketSpec>> Echo() =>
        from e in Ends(0)
        from id in Gen.Choose(1, 65535)
        from count in Gen.Choose(1, 3)
        from len in Gen.Elements(0, 8, 56)
        from replied in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
        select Enumerable.Range(1, count).SelectMany(seq =>
        {
            var l = new List<PacketSpec> { new((uint)e.Client.Port, FrameFactory.Echo(e.Client, e.Server, (ushort)id, (ushort)seq, len, false, (ushort)(id + seq)), "icmp-echo-request") };
            if (replied) l.Add(new((uint)e.Replier.Port, FrameFactory.Echo(e.Replier, e.Client, (ushort)id, (ushort)seq, len, true, (ushort)(id + seq + 7)), "icmp-echo-reply"));
            return l;
        }).ToList();

    private static Gen<List<PacketSpec>> IcmpError() =>
        from e in Ends(AddressPlan.VipUdpPort)
        from code in Gen.Elements<byte>(1, 3)
        let datagram = FrameFactory.Udp(e.Client, e.Server, 12, 0x1111)
        // The error is about the datagram as the replier received it (after a DNAT).
        let received = FrameFactory.Udp(e.Client, e.Replier with { Port = e.Replier.Port }, 12, 0x1111)
        select new List<PacketSpec>
        {
            new((uint)e.Client.Port, datagram, "udp"),
            new((uint)e.Replier.Port, Unreachable(e.Replier, e.Client, code, received, 0x2222), "icmp-unreachable"),
        };

    private static Gen<List<PacketSpec>> Udp() =>
        from e in Ends(AddressPlan.VipUdpPort)
        from rounds in Gen.Choose(1, 3)
        from len in Gen.Choose(0, 40)
        select Enumerable.Range(0, rounds).SelectMany(r => new List<PacketSpec>
        {
            new((uint)e.Client.Port, FrameFactory.Udp(e.Client, e.Server, len, (ushort)(100 + r)), "udp"),
            new((uint)e.Replier.Port, FrameFactory.Udp(e.Replier, e.Client, len + 3, (ushort)(200 + r)), "udp"),
        }).ToList();

    [Flags]
    private enum TcpShape
    {
        SynRetransmit = 1, Data = 2, DataRetransmit = 4, StaleAck = 8, ReplyData = 16,
        Fin = 32, ClientRst = 64, ServerRst = 128, NoHandshakeAck = 256,
    }

    private static Gen<List<PacketSpec>> Tcp() =>
        from e in Ends(AddressPlan.VipTcpPort)
        from x in Gen.Choose(1, int.MaxValue)
        from y in Gen.Choose(1, int.MaxValue)
        from shape in Gen.Choose(0, 511)
        from n in Gen.Choose(1, 100)
        from m in Gen.Choose(1, 100)
        select TcpConversation(e.Client, e.Server, e.Replier, (uint)x, (uint)y, (TcpShape)shape, n, m);

    private static List<PacketSpec> TcpConversation(Endpoint c, Endpoint s, Endpoint r, uint x, uint y, TcpShape shape, int n, int m)
    {
        var l = new List<PacketSpec>();
        ushort ipId = (ushort)x;
        void C(TcpFlags f, uint seq, uint ack, int len, string kind) => l.Add(new((uint)c.Port, FrameFactory.Tcp(c, s, f, seq, ack, len, ipId++), kind));
        void S(TcpFlags f, uint seq, uint ack, int len, string kind) => l.Add(new((uint)r.Port, FrameFactory.Tcp(r, c, f, seq, ack, len, ipId++), kind));
        const TcpFlags Ack = TcpFlags.Ack, PshAck = TcpFlags.Psh | TcpFlags.Ack;

        C(TcpFlags.Syn, x, 0, 0, "tcp-syn");
        if (shape.HasFlag(TcpShape.SynRetransmit)) C(TcpFlags.Syn, x, 0, 0, "tcp-retransmit");
        S(TcpFlags.Syn | Ack, y, x + 1, 0, "tcp-synack");
        if (!shape.HasFlag(TcpShape.NoHandshakeAck)) C(Ack, x + 1, y + 1, 0, "tcp-ack");
        uint cs = x + 1, ss = y + 1;
        if (shape.HasFlag(TcpShape.Data))
        {
            C(PshAck, cs, ss, n, "tcp-data");
            if (shape.HasFlag(TcpShape.DataRetransmit)) C(PshAck, cs, ss, n, "tcp-retransmit");
            cs += (uint)n;
            S(Ack, ss, cs, 0, "tcp-ack");
            if (shape.HasFlag(TcpShape.StaleAck)) C(Ack, cs, ss - 1, 0, "tcp-stale-ack");
        }
        if (shape.HasFlag(TcpShape.ReplyData))
        {
            S(PshAck, ss, cs, m, "tcp-data");
            ss += (uint)m;
            C(Ack, cs, ss, 0, "tcp-ack");
        }
        if (shape.HasFlag(TcpShape.Fin))
        {
            C(TcpFlags.Fin | Ack, cs, ss, 0, "tcp-fin");
            S(TcpFlags.Fin | Ack, ss, cs + 1, 0, "tcp-fin");
            C(Ack, cs + 1, ss + 1, 0, "tcp-ack");
        }
        else if (shape.HasFlag(TcpShape.ClientRst)) C(TcpFlags.Rst | Ack, cs, ss, 0, "tcp-rst");
        else if (shape.HasFlag(TcpShape.ServerRst)) S(TcpFlags.Rst, ss, 0, 0, "tcp-rst");
        return l;
    }
}
