namespace MeshSim.Wire;

/// <summary>
/// A TCP segment's header values. The payload is written by the caller into
/// <see cref="TcpView.Payload"/> (after emitting, or at offset <see cref="HeaderLength"/>) before
/// the checksum is computed; <see cref="FrameBuilder"/> does it in the right order.
/// </summary>
public readonly record struct TcpRepr(
    ushort SourcePort,
    ushort DestinationPort,
    uint SequenceNumber,
    uint AcknowledgmentNumber,
    TcpFlags Flags,
    ushort WindowSize,
    TcpOptions Options = default,
    int PayloadLength = 0,
    ushort UrgentPointer = 0)
{
    /// <summary>Reads the segment: header, options and (with <see cref="ChecksumMode.Verify"/>)
    /// the checksum against the pseudo-header. The view must span exactly the IPv4 payload.</summary>
    public static bool TryParse(TcpView view, Ipv4Address source, Ipv4Address destination, ChecksumMode mode,
                                out TcpRepr repr, out WireError error)
    {
        repr = default;
        if (view.DestinationPort == 0) { error = WireError.BadField(2, "tcp.dst_port (expected non-zero)"); return false; }
        if (!TcpOptions.TryParse(view.Options, out var options, out error)) { error = error.At(TcpView.MinHeaderLength); return false; }
        if (mode == ChecksumMode.Verify && !view.VerifyChecksum(source, destination))
        {
            error = WireError.BadField(16, "tcp.checksum");
            return false;
        }
        repr = new TcpRepr(view.SourcePort, view.DestinationPort, view.SequenceNumber, view.AcknowledgmentNumber,
                           view.Flags, view.WindowSize, options, view.Payload.Length, view.UrgentPointer);
        return true;
    }

    /// <summary>Header length including options.</summary>
    public int HeaderLength => TcpView.MinHeaderLength + Options.Length;

    /// <summary>Header, options and payload.</summary>
    public int BufferLength => HeaderLength + PayloadLength;

    /// <summary>Writes header and options into a buffer of exactly <see cref="BufferLength"/>
    /// bytes whose payload is already in place, then the checksum unless <paramref name="mode"/> is Ignore.</summary>
    public void Emit(TcpView view, Ipv4Address source, Ipv4Address destination, ChecksumMode mode)
    {
        view.SourcePort = SourcePort;
        view.DestinationPort = DestinationPort;
        view.SequenceNumber = SequenceNumber;
        view.AcknowledgmentNumber = AcknowledgmentNumber;
        view.HeaderLength = HeaderLength;
        view.Flags = Flags;
        view.WindowSize = WindowSize;
        view.UrgentPointer = UrgentPointer;
        Options.Emit(view.Options);
        if (mode == ChecksumMode.Ignore) view.Checksum = 0;
        else view.FillChecksum(source, destination);
    }
}
