namespace MeshSim.Engine;

/// <summary>
/// The world a simulation runs in: the simulator (clock and events), the frame pool, every node and
/// link, and the observers of frame events. Nodes and links register themselves here when built.
/// </summary>
public sealed class Network
{
    private readonly List<Node> _nodes = new();
    private readonly List<Link> _links = new();
    private IFrameObserver[] _observers = [];
    private long _nextFrameId;

    /// <summary>Creates an empty network with its own simulator seeded by <paramref name="seed"/>.</summary>
    public Network(ulong seed = 1) => Sim = new Simulator(seed);

    /// <summary>The clock and event queue.</summary>
    public Simulator Sim { get; }

    /// <summary>Frame buffers shared by every node.</summary>
    public FramePool Frames { get; } = new();

    /// <summary>Nodes in creation order.</summary>
    public IReadOnlyList<Node> Nodes => _nodes;

    /// <summary>Links in creation order.</summary>
    public IReadOnlyList<Link> Links => _links;

    /// <summary>The node called <paramref name="name"/>, or null.</summary>
    public Node? FindNode(string name) => _nodes.Find(n => n.Name == name);

    /// <summary>Joins two ports with a full-duplex link.</summary>
    public Link Connect(Port a, Port b, LinkOptions? options = null)
    {
        var link = new Link(this, a, b, options ?? LinkOptions.Default);
        _links.Add(link);
        return link;
    }

    /// <summary>Subscribes to sent/received/dropped frame events. With no observers the hooks cost one length check.</summary>
    public void AddObserver(IFrameObserver observer) => _observers = [.. _observers, observer];

    /// <summary>A fresh id for a frame entering the network (monotonic, so deterministic).</summary>
    public long NextFrameId() => ++_nextFrameId;

    internal void Register(Node node)
    {
        if (_nodes.Exists(n => n.Name == node.Name)) throw new ArgumentException($"a node named '{node.Name}' already exists");
        _nodes.Add(node);
    }

    internal bool Observed => _observers.Length != 0;

    internal void NotifySent(Port port, ReadOnlySpan<byte> frame) { foreach (var o in _observers) o.OnSent(Sim.Now, port, frame); }
    internal void NotifyReceived(Port port, ReadOnlySpan<byte> frame) { foreach (var o in _observers) o.OnReceived(Sim.Now, port, frame); }

    /// <summary>Reports a dropped frame to observers; nodes call it for their own drops (no route, ARP timeout, ...).</summary>
    public void NotifyDropped(Port? port, ReadOnlySpan<byte> frame, DropReason reason, string? detail = null)
    {
        foreach (var o in _observers) o.OnDropped(Sim.Now, port, frame, reason, detail);
    }
}

/// <summary>Frame events for tracing, statistics and tests. Calls happen inline on the simulation thread.</summary>
public interface IFrameObserver
{
    /// <summary>A frame started onto a link from <paramref name="port"/>.</summary>
    void OnSent(long timeNs, Port port, ReadOnlySpan<byte> frame);
    /// <summary>A frame was delivered to <paramref name="port"/>'s node.</summary>
    void OnReceived(long timeNs, Port port, ReadOnlySpan<byte> frame);
    /// <summary>A frame was dropped; <paramref name="detail"/> says more where the reason alone does not.</summary>
    void OnDropped(long timeNs, Port? port, ReadOnlySpan<byte> frame, DropReason reason, string? detail);
}

/// <summary>Why a frame went nowhere.</summary>
public enum DropReason
{
    /// <summary>Sent on a port with no link.</summary>
    NoLink,
    /// <summary>The port or its link is administratively down.</summary>
    LinkDown,
    /// <summary>The link's transmit queue was full (drop-tail).</summary>
    QueueFull,
    /// <summary>Lost on the link by its configured loss rate.</summary>
    LinkLoss,
    /// <summary>A switch pipeline dropped it (no match, drop action, conntrack invalid, ...): see detail.</summary>
    Pipeline,
    /// <summary>A host dropped it (wrong MAC, bad checksum, no socket, TTL, fragment, ...): see detail.</summary>
    Host,
    /// <summary>Malformed bytes.</summary>
    Malformed,
}
