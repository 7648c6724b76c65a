namespace MeshSim.Engine;

/// <summary>
/// Anything with ports: a host, a switch. A node receives frames from its ports and sends frames
/// out of them; it never touches another node directly.
/// </summary>
public abstract class Node
{
    private readonly List<Port> _ports = new();

    /// <summary>Creates the node and registers it with <paramref name="network"/>.</summary>
    protected Node(Network network, string name)
    {
        Network = network;
        Name = name;
        network.Register(this);
    }

    /// <summary>The network this node lives in.</summary>
    public Network Network { get; }

    /// <summary>The simulator (shortcut for Network.Sim).</summary>
    public Simulator Sim => Network.Sim;

    /// <summary>Unique name, e.g. "h1" or "s1".</summary>
    public string Name { get; }

    /// <summary>Ports in creation order.</summary>
    public IReadOnlyList<Port> Ports => _ports;

    /// <summary>Adds a port with OpenFlow-style number <paramref name="number"/> (unique within the node).</summary>
    public Port AddPort(uint number, string? name = null)
    {
        if (_ports.Exists(p => p.Number == number)) throw new ArgumentException($"{Name} already has port {number}");
        var port = new Port(this, number, name ?? $"{Name}-eth{number}");
        _ports.Add(port);
        return port;
    }

    /// <summary>The port numbered <paramref name="number"/>, or null.</summary>
    public Port? FindPort(uint number) => _ports.Find(p => p.Number == number);

    /// <summary>Handles a frame that arrived on <paramref name="port"/>. The node now owns
    /// <paramref name="frame"/>: it must send it on or <see cref="Frame.Release"/> it.</summary>
    protected internal abstract void Receive(Port port, Frame frame);

    /// <summary>Called when a port's link goes up or down (fast-failover groups, hosts' carrier).</summary>
    protected internal virtual void OnPortStateChanged(Port port) { }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
