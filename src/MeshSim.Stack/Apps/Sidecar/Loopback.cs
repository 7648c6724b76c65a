using MeshSim.Engine;
using MeshSim.Stack.Iface;
using MeshSim.Wire;

namespace MeshSim.Stack.Apps.Sidecar;

/// <summary>
/// A pod's loopback path, built from the stack's ordinary parts. The host stack refuses connections
/// to its own addresses (it does not model loopback), so the loopback device here is an interface
/// (127.0.0.1/8) linked to a <see cref="Reflector"/> that sends every frame straight back with source
/// and destination swapped: a connection to <see cref="PeerAddress"/> (127.0.0.2) comes back in as a
/// connection from 127.0.0.2 to 127.0.0.1 and reaches the host's own listeners. Frames on the link
/// are real IPv4/TCP frames, so its capture shows the app-to-proxy legs as <c>tcpdump -i lo</c> would
/// (with 127.0.0.2 standing for the other end).
/// </summary>
public static class Loopback
{
    /// <summary>127.0.0.1: the host's own loopback address.</summary>
    public static readonly Ipv4Address Address = Ipv4Address.Parse("127.0.0.1");

    /// <summary>127.0.0.2: what a process dials to reach a listener on its own host.</summary>
    public static readonly Ipv4Address PeerAddress = Ipv4Address.Parse("127.0.0.2");

    /// <summary>The MAC of the loopback interface (locally administered; never leaves the host).</summary>
    public static readonly MacAddress Mac = MacAddress.Parse("02:00:7f:00:00:01");

    /// <summary>The MAC the reflector answers for 127.0.0.2.</summary>
    public static readonly MacAddress PeerMac = MacAddress.Parse("02:00:7f:00:00:02");

    /// <summary>Gives <paramref name="host"/> a loopback interface; <paramref name="oneWayLatencyNs"/> is
    /// the time a segment takes from send to receive.</summary>
    public static NetInterface Attach(Host host, long oneWayLatencyNs)
    {
        var lo = host.AddInterface(Mac, Address, 8, mtu: 1500);
        lo.Arp.AddStatic(PeerAddress, PeerMac);
        var reflector = new Reflector(host.Network, $"{host.Name}-lo");
        // Half the latency each way through the reflector; no rate limit (memory copies, not a wire).
        host.Network.Connect(lo.Port, reflector.Port, new LinkOptions(oneWayLatencyNs / 2, 0, 100_000, 0));
        return lo;
    }

    /// <summary>The far end of a loopback link: returns every frame with Ethernet and IPv4 source and
    /// destination swapped. Swapping leaves the IPv4 and TCP/UDP checksums valid (one's complement
    /// sums do not depend on order), so no checksum is touched.</summary>
    public sealed class Reflector : Node
    {
        /// <summary>Creates the reflector with its single port.</summary>
        public Reflector(Network network, string name) : base(network, name) => Port = AddPort(0, name);

        /// <summary>The port linked to the host's loopback interface.</summary>
        public Port Port { get; }

        /// <inheritdoc/>
        protected override void Receive(Port port, Frame frame)
        {
            var b = frame.Data;
            if (b.Length >= 14) Swap(b[0..6], b[6..12]);
            if (b.Length >= 34 && b[12] == 0x08 && b[13] == 0x00) Swap(b[26..30], b[30..34]);
            port.Send(frame);   // ownership passes back to the link
        }

        private static void Swap(Span<byte> a, Span<byte> b)
        {
            Span<byte> t = stackalloc byte[6];
            a.CopyTo(t);
            b.CopyTo(a);
            t[..b.Length].CopyTo(b);
        }
    }
}
