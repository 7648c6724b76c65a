using MeshSim.Engine;
using MeshSim.Stack.Cpu;
using MeshSim.Stack.Iface;
using MeshSim.Stack.Sockets;
using MeshSim.Wire;

namespace MeshSim.Stack;

/// <summary>
/// A simulated end host: one or more interfaces (each owning an ARP cache), a routing table, and the
/// IPv4/ICMP/UDP/TCP stack with its sockets, plus a CPU model for application work.
/// </summary>
/// <remarks>
/// <para>The split follows smoltcp: the host (its "interface" layer) parses frames, owns ARP, routing
/// and dispatch; sockets own protocol state and see only L4 headers and payloads. Every frame the
/// host emits is written by <see cref="FrameBuilder"/>, so lengths and checksums are exact and a
/// real Linux peer (or tshark) reads them as it would a kernel's.</para>
/// <para>One frame is processed per engine event; received frames are released before returning.
/// Anything dropped is counted in <see cref="Counters"/> and reported to the network's observers.</para>
/// </remarks>
public sealed partial class Host : Node
{
    private readonly List<NetInterface> _interfaces = new();
    private ushort _ipId;

    /// <summary>Creates a host named <paramref name="name"/> in <paramref name="network"/>.</summary>
    public Host(Network network, string name, HostOptions? options = null) : base(network, name)
    {
        Options = options ?? new HostOptions();
        Cpu = new CpuModel(network.Sim, Options.Cores);
        _isn = new IsnGenerator(network.Sim.Random($"host/{name}/tcp-isn").NextUInt64());
        _nextEphemeral = Options.Tcp.EphemeralFirst;
        _tcpSink = new TcpSink(this);
    }

    /// <summary>Settings.</summary>
    public HostOptions Options { get; }
    /// <summary>Drop and error counters.</summary>
    public HostCounters Counters { get; } = new();
    /// <summary>Routing table (connected routes are added with each interface).</summary>
    public RouteTable Routes { get; } = new();
    /// <summary>The host's processors, for application service time.</summary>
    public CpuModel Cpu { get; }
    /// <summary>Interfaces in creation order.</summary>
    public IReadOnlyList<NetInterface> Interfaces => _interfaces;
    /// <summary>The first interface's address (most hosts have one).</summary>
    public Ipv4Address Address => _interfaces.Count > 0 ? _interfaces[0].Address : throw new InvalidOperationException($"host {Name} has no interface");

    /// <summary>Adds an interface on a new port and its connected route.</summary>
    public NetInterface AddInterface(MacAddress mac, Ipv4Address address, int prefixLength, int mtu = 1500)
    {
        if (prefixLength is < 0 or > 32) throw new ArgumentOutOfRangeException(nameof(prefixLength), $"prefix length {prefixLength} is not in 0..32");
        if (mtu is < 576 or > Frame.MaxLength - 18) throw new ArgumentOutOfRangeException(nameof(mtu), $"MTU {mtu} is not in 576..{Frame.MaxLength - 18}");
        var port = AddPort((uint)_interfaces.Count, $"{Name}-eth{_interfaces.Count}");
        var iface = new NetInterface(port, mac, address, prefixLength, mtu, Options.ArpReachableNs);
        _interfaces.Add(iface);
        uint mask = prefixLength == 0 ? 0 : uint.MaxValue << (32 - prefixLength);
        Routes.Add(new Route(new Ipv4Address(address.Value & mask), prefixLength, iface));   // the connected subnet
        return iface;
    }

    /// <summary>Adds an interface from text: "10.0.0.1/24" and "02:00:00:00:00:01".</summary>
    public NetInterface AddInterface(string mac, string cidr, int mtu = 1500)
    {
        int slash = cidr.IndexOf('/');
        if (slash < 0 || !int.TryParse(cidr.AsSpan(slash + 1), out int len))
            throw new FormatException($"'{cidr}' is not an address with prefix length (expected a.b.c.d/n)");
        return AddInterface(MacAddress.Parse(mac), Ipv4Address.Parse(cidr[..slash]), len, mtu);
    }

    /// <summary>True when <paramref name="address"/> is one of this host's interface addresses.</summary>
    public bool IsLocalAddress(Ipv4Address address)
    {
        foreach (var i in _interfaces) if (i.Address == address) return true;
        return false;
    }

    private NetInterface? InterfaceOf(Port port)
    {
        foreach (var i in _interfaces) if (ReferenceEquals(i.Port, port)) return i;
        return null;
    }

    /// <inheritdoc/>
    protected override void Receive(Port port, Frame frame)
    {
        try
        {
            var iface = InterfaceOf(port);
            if (iface is null) { Drop(port, frame, ref Counters.NotForUs, "frame on a port without an interface"); return; }
            if (!EthernetView.TryCreate(frame.Data, out var eth, out var err))
            {
                Drop(port, frame, ref Counters.Malformed, err.ToString());
                return;
            }
            var dst = eth.Destination;
            if (dst != iface.Mac && !dst.IsMulticast) { Drop(port, frame, ref Counters.NotForUs, $"destination MAC {dst} is not {iface.Mac}"); return; }
            switch (eth.EtherType)
            {
                case EtherType.Arp: ArpInput(iface, frame, eth.Payload); break;
                case EtherType.Ipv4: Ipv4Input(iface, frame, eth.Payload); break;
                default: Drop(port, frame, ref Counters.UnknownProtocol, $"ethertype 0x{eth.EtherType:x4} not handled"); break;
            }
        }
        finally
        {
            frame.Release();
        }
    }

    /// <summary>Counts a drop and tells observers; the caller still owns (and releases) the frame.</summary>
    private void Drop(Port? port, Frame frame, ref long counter, string detail)
    {
        counter++;
        Network.NotifyDropped(port, frame.Data, DropReason.Host, $"{Name}: {detail}");
    }

    private ushort NextIpId() => ++_ipId;
}
