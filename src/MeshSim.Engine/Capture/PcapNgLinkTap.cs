namespace MeshSim.Engine.Capture;

/// <summary>How a pcapng capture of several links maps links to pcapng interfaces.</summary>
public enum PcapNgLayout
{
    /// <summary>One interface per link end (named after the port): a frame appears twice, outbound at
    /// the sender when it starts onto the wire and inbound at the receiver when it arrives, as if
    /// every interface were captured at once.</summary>
    PerLinkEnd,
    /// <summary>One interface per link (named after the link): each frame appears once, when it starts
    /// onto the wire, like a passive tap in the middle of the cable.</summary>
    PerLink,
}

/// <summary>Feeds one link's frames into a shared <see cref="PcapNgWriter"/> under the interface ids
/// that were described for that link.</summary>
public sealed class PcapNgLinkTap : IFrameTap
{
    private readonly PcapNgWriter _writer;
    private readonly Link _link;
    private readonly PcapNgLayout _layout;
    private readonly int _interfaceA, _interfaceB;

    /// <summary>Describes the link's interface(s) in <paramref name="writer"/> (port names for
    /// <see cref="PcapNgLayout.PerLinkEnd"/>, the link name for <see cref="PcapNgLayout.PerLink"/>).
    /// Add the tap to <paramref name="link"/> afterwards.</summary>
    public PcapNgLinkTap(PcapNgWriter writer, Link link, PcapNgLayout layout)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(link);
        _writer = writer;
        _link = link;
        _layout = layout;
        if (layout == PcapNgLayout.PerLinkEnd)
        {
            _interfaceA = writer.AddInterface(link.A.Name, $"{link.A} on link {link.Name}");
            _interfaceB = writer.AddInterface(link.B.Name, $"{link.B} on link {link.Name}");
        }
        else
        {
            _interfaceA = _interfaceB = writer.AddInterface(link.Name, $"link {link.A} <-> {link.B}");
        }
    }

    /// <inheritdoc/>
    public void OnFrame(long timeNs, Port port, TapDirection direction, ReadOnlySpan<byte> frame)
    {
        if (_layout == PcapNgLayout.PerLink)
        {
            if (direction == TapDirection.Transmit) _writer.Write(_interfaceA, timeNs, frame);
            return;
        }
        int iface = ReferenceEquals(port, _link.A) ? _interfaceA : _interfaceB;
        _writer.Write(iface, timeNs, frame, direction);
    }
}
