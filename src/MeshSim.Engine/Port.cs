namespace MeshSim.Engine;

/// <summary>A network interface of a node: a number, a name, at most one link, and counters.</summary>
public sealed class Port
{
    internal Port(Node owner, uint number, string name)
    {
        Owner = owner;
        Number = number;
        Name = name;
    }

    /// <summary>The node this port belongs to.</summary>
    public Node Owner { get; }

    /// <summary>OpenFlow-style port number, unique within the node.</summary>
    public uint Number { get; }

    /// <summary>Interface name, used for pcap file names ("h1-eth0").</summary>
    public string Name { get; }

    /// <summary>The link this port is plugged into, if any.</summary>
    public Link? Link { get; internal set; }

    /// <summary>Administrative state of the port itself.</summary>
    public bool AdminUp { get; private set; } = true;

    /// <summary>True when the port is up and has a link that is up and a peer port that is up: a
    /// shut peer means no carrier (OpenFlow's "live", as fast-failover groups see it).</summary>
    public bool IsLive => AdminUp && Link is { IsUp: true } link && link.PeerOf(this).AdminUp;

    /// <summary>The port at the other end of the link, if any.</summary>
    public Port? Peer => Link?.PeerOf(this);

    /// <summary>Frames and bytes sent, received and dropped at transmit.</summary>
    public long TxPackets, TxBytes, RxPackets, RxBytes, TxDropped;

    /// <summary>Puts <paramref name="frame"/> on the link; ownership passes to the link. A port without a
    /// live link drops (and releases) the frame and counts it.</summary>
    /// <exception cref="InvalidOperationException">The frame was already released (an ownership bug).</exception>
    public void Send(Frame frame)
    {
        if (frame.IsReleased) throw new InvalidOperationException($"{this}: frame {frame.Id} was sent after it was released");
        if (Link is null || !IsLive)
        {
            TxDropped++;
            Owner.Network.NotifyDropped(this, frame.Data, Link is null ? DropReason.NoLink : DropReason.LinkDown);
            frame.Release();
            return;
        }
        Link.Transmit(this, frame);
    }

    /// <summary>Sets the administrative state and tells the owner and the peer. Shutting a port drops
    /// the carrier: frames queued, being serialised or in flight on its link are lost.</summary>
    public void SetAdminUp(bool up)
    {
        if (AdminUp == up) return;
        AdminUp = up;
        if (!up) Link?.LoseCarrier();
        Owner.OnPortStateChanged(this);
        if (Peer is { } peer) peer.Owner.OnPortStateChanged(peer);
    }

    internal void Deliver(Frame frame)
    {
        RxPackets++;
        RxBytes += frame.Length;
        if (Owner.Network.Observed) Owner.Network.NotifyReceived(this, frame.Data);
        Owner.Receive(this, frame);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Owner.Name}:{Number}";
}
