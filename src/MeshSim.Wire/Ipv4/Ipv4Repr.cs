namespace MeshSim.Wire;

/// <summary>
/// An IPv4 header's values. Options are not represented: parse skips them (they stay readable
/// through <see cref="Ipv4View.Options"/>), emit writes a 20-byte header.
/// </summary>
/// <param name="Source">Source address.</param>
/// <param name="Destination">Destination address.</param>
/// <param name="Protocol">Payload protocol (see <see cref="IpProtocol"/>); frame builders fill it.</param>
/// <param name="PayloadLength">Payload bytes after the header; frame builders fill it.</param>
/// <param name="Ttl">Time to live.</param>
/// <param name="Tos">TOS byte (DSCP and ECN).</param>
/// <param name="Identification">Identification field.</param>
/// <param name="DontFragment">The DF flag.</param>
/// <param name="MoreFragments">The MF flag.</param>
/// <param name="FragmentOffset">Fragment offset in bytes (a multiple of 8).</param>
public readonly record struct Ipv4Repr(
    Ipv4Address Source,
    Ipv4Address Destination,
    byte Protocol = 0,
    int PayloadLength = 0,
    byte Ttl = 64,
    byte Tos = 0,
    ushort Identification = 0,
    bool DontFragment = false,
    bool MoreFragments = false,
    int FragmentOffset = 0)
{
    /// <summary>Reads the header; with <see cref="ChecksumMode.Verify"/> a wrong checksum is an error.</summary>
    public static bool TryParse(Ipv4View view, ChecksumMode mode, out Ipv4Repr repr, out WireError error)
    {
        repr = default;
        if (mode == ChecksumMode.Verify && !view.VerifyChecksum())
        {
            error = WireError.BadField(10, "ipv4.checksum");
            return false;
        }
        repr = new Ipv4Repr(view.Source, view.Destination, view.Protocol, view.TotalLength - view.HeaderLength,
                            view.Ttl, view.Tos, view.Identification, view.DontFragment, view.MoreFragments, view.FragmentOffset);
        error = default;
        return true;
    }

    /// <summary>The emitted header length (no options).</summary>
    public int HeaderLength => Ipv4View.MinHeaderLength;

    /// <summary>Header plus payload.</summary>
    public int BufferLength => Ipv4View.MinHeaderLength + PayloadLength;

    /// <summary>Writes every header byte; the checksum is computed unless <paramref name="mode"/>
    /// is <see cref="ChecksumMode.Ignore"/> (then 0). The payload is left alone.</summary>
    public void Emit(Ipv4View view, ChecksumMode mode)
    {
        view.HeaderLength = Ipv4View.MinHeaderLength;
        view.Tos = Tos;
        view.TotalLength = (ushort)BufferLength;
        view.Identification = Identification;
        view.FlagsAndFragmentOffset = (ushort)((DontFragment ? 0x4000 : 0) | (MoreFragments ? 0x2000 : 0) | ((FragmentOffset / 8) & 0x1FFF));
        view.Ttl = Ttl;
        view.Protocol = Protocol;
        view.Source = Source;
        view.Destination = Destination;
        if (mode == ChecksumMode.Ignore) view.Checksum = 0;
        else view.FillChecksum();
    }
}
