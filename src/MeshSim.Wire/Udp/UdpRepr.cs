namespace MeshSim.Wire;

/// <summary>A UDP header's values. The payload is written by the caller into
/// <see cref="UdpView.Payload"/> before <see cref="Emit"/> (the checksum covers it).</summary>
public readonly record struct UdpRepr(ushort SourcePort, ushort DestinationPort, int PayloadLength)
{
    /// <summary>The VXLAN port (RFC 7348).</summary>
    public const ushort VxlanPort = 4789;

    /// <summary>Reads the header. With <see cref="ChecksumMode.Verify"/> a non-zero checksum must
    /// verify against the pseudo-header; 0 means "not computed" and is accepted (RFC 768).
    /// Destination port 0 is rejected, as smoltcp does.</summary>
    public static bool TryParse(UdpView view, Ipv4Address source, Ipv4Address destination, ChecksumMode mode,
                                out UdpRepr repr, out WireError error)
    {
        repr = default;
        if (view.DestinationPort == 0) { error = WireError.BadField(2, "udp.dst_port (expected non-zero)"); return false; }
        if (mode == ChecksumMode.Verify && !view.VerifyChecksum(source, destination))
        {
            error = WireError.BadField(6, "udp.checksum");
            return false;
        }
        repr = new UdpRepr(view.SourcePort, view.DestinationPort, view.Length - UdpView.HeaderLength);
        error = default;
        return true;
    }

    /// <summary>Header plus payload.</summary>
    public int BufferLength => UdpView.HeaderLength + PayloadLength;

    /// <summary>Writes the header (payload already in place); checksum computed unless
    /// <paramref name="mode"/> is Ignore (then 0, "not computed").</summary>
    public void Emit(UdpView view, Ipv4Address source, Ipv4Address destination, ChecksumMode mode)
    {
        view.SourcePort = SourcePort;
        view.DestinationPort = DestinationPort;
        view.Length = (ushort)BufferLength;
        if (mode == ChecksumMode.Ignore) view.Checksum = 0;
        else view.FillChecksum(source, destination);
    }
}
