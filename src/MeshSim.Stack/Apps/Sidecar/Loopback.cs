using MeshSim.Engine;
using MeshSim.Stack.Iface;
using MeshSim.Wire;

namespace MeshSim.Stack.Apps.Sidecar;

/// <summary>
/// A host's loopback device (127.0.0.1/8), built from the stack's ordinary parts: an interface whose
/// port is linked to a <see cref="Reflector"/> that sends every frame straight back. Frames on it
/// are real IPv4/TCP frames, so a capture of the loopback link shows the app-to-proxy legs just
/// as <c>tcpdump -i lo</c> would.
/// </summary>
public static class Loopback
{
    /// <summary>127.0.0.1.</summary>
    public static readonly Ipv4Address Address = Ipv4Address.Parse("127.0.0.1");

    /// <summary>The MAC the loopback interface uses (locally administered; never leaves the host).</summary>
    public static readonly MacAddress Mac = MacAddress.Parse("02:00:7f:00:00:01");

    /// <summary>Gives <paramref name="host"/> a loopback interface; <paramref name="oneWayLatencyNs"/> is
    /// the time a segment takes from send to receive.</summary>
    public static NetInterface Attach(Host host, long oneWayLatencyNs)
    {
        var lo = host.AddInterface(Mac, Address, 8, mtu: 1500);
        lo.Arp.AddStatic(Address, Mac);
        var reflector = new Reflector(host.Network, $"{host.Name}-lo");
        // Half the latency each way through the reflector; no rate limit (memory copies, not a wire).
        host.Network.Connect(lo.Port, reflector.Port, new LinkOptions(oneWayLatencyNs / 2, 0, 100_000, 0));
        return lo;
    }

    /// <summary>The far end of a loopback link: returns every frame on the port it came from.</summary>
    public sealed class Reflector : Node
    {
        /// <summary>Creates the reflector with its single port.</summary>
        public Reflector(Network network, string name) : base(network, name) => Port = AddPort(0, name);

        /// <summary>The port linked to the host's loopback interface.</summary>
        public Port Port { get; }

        /// <inheritdoc/>
        protected override void Receive(Port port, Frame frame) => port.Send(frame);   // ownership passes back to the link
    }
}
