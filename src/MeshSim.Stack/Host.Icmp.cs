using MeshSim.Engine;
using MeshSim.Stack.Async;
using MeshSim.Stack.Iface;
using MeshSim.Wire;

namespace MeshSim.Stack;

// ICMP: echo (answering and pinging) and destination-unreachable generation.
public sealed partial class Host
{
    private readonly Dictionary<uint, PingWait> _pings = new();
    private ushort _pingSeq;

    private sealed class PingWait(long sentAt)
    {
        public readonly long SentAt = sentAt;
        public readonly DeferredCompletion<long?> Done = new();
        public bool Finished;
    }

    private void IcmpInput(NetInterface iface, Frame frame, Ipv4View ip)
    {
        if (!IcmpV4View.TryCreate(ip.Payload, out var view, out var err) || !IcmpV4Repr.TryParse(view, ChecksumMode.Verify, out var icmp, out err))
        {
            Drop(iface.Port, frame, ref (err.Kind == WireErrorKind.BadField ? ref Counters.BadChecksum : ref Counters.Malformed), err.At(14 + ip.HeaderLength).ToString());
            return;
        }
        switch (icmp.Type)
        {
            case IcmpV4Type.EchoRequest:
                Counters.EchoReplies++;
                SendIcmp(ip.Source, IcmpV4Repr.EchoReply(icmp.Identifier, icmp.SequenceNumber, view.Payload.Length), view.Payload, ip.Destination);
                break;
            case IcmpV4Type.EchoReply:
                uint key = (uint)icmp.Identifier << 16 | icmp.SequenceNumber;
                if (_pings.Remove(key, out var wait) && !wait.Finished)
                {
                    wait.Finished = true;
                    wait.Done.CompleteSoon(Sim, Sim.Now - wait.SentAt);
                }
                break;
            // Unreachables are informational here: TCP treats them as soft errors (as Linux does for
            // established connections) and UDP sockets have no error queue.
        }
    }

    /// <summary>Sends an ICMP message; <paramref name="source"/> defaults to the outgoing interface's address.</summary>
    private void SendIcmp(Ipv4Address destination, in IcmpV4Repr icmp, ReadOnlySpan<byte> data, Ipv4Address? source = null)
    {
        if (!TryRoute(destination, out var iface, out var nextHop)) { Counters.NoRoute++; return; }
        var mac = PreResolve(iface, nextHop);
        var frame = RentFrame();
        var ip = new Ipv4Repr(source ?? iface.Address, destination, Ttl: Options.DefaultTtl, Identification: NextIpId());
        frame.Length = FrameBuilder.Icmp(frame.Buffer, new EthernetRepr(iface.Mac, mac, EtherType.Ipv4), ip, icmp, data);
        Transmit(iface, nextHop, frame, mac);
    }

    /// <summary>Sends "destination unreachable" quoting the offending packet's header and 8 bytes (RFC 792).</summary>
    private void SendUnreachable(Ipv4View offending, byte code)
    {
        int quoted = Math.Min(offending.TotalLength, offending.HeaderLength + 8);
        Span<byte> copy = stackalloc byte[quoted];
        int headerLen = offending.HeaderLength;
        offending.Header.CopyTo(copy);
        offending.Payload[..(quoted - headerLen)].CopyTo(copy[headerLen..]);
        SendIcmp(offending.Source, IcmpV4Repr.DestinationUnreachable(code, quoted), copy, offending.Destination);
    }

    /// <summary>Sends one echo request and waits for the reply. Returns the round-trip time in ns,
    /// or null after <paramref name="timeoutNs"/>.</summary>
    public SimTask<long?> PingAsync(Ipv4Address destination, long timeoutNs = SimTime.Second, int dataLength = 56)
    {
        if (IsLocalAddress(destination)) throw new ArgumentException($"{Name}: {destination} is this host's own address; loopback is not modelled", nameof(destination));
        ushort id = (ushort)(SimRandom.StableHash(Name) & 0xFFFF);
        ushort seq = ++_pingSeq;
        uint key = (uint)id << 16 | seq;
        var wait = new PingWait(Sim.Now);
        _pings[key] = wait;
        Span<byte> data = stackalloc byte[Math.Clamp(dataLength, 0, 1472)];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(0x10 + i);   // iputils' pattern
        SendIcmp(destination, IcmpV4Repr.EchoRequest(id, seq, data.Length), data);
        Sim.Schedule(timeoutNs, () =>
        {
            if (wait.Finished) return;
            wait.Finished = true;
            _pings.Remove(key);
            wait.Done.CompleteSoon(Sim, null);
        });
        return wait.Done.Task;
    }
}
