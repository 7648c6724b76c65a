using System.Buffers.Binary;
using MeshSim.Wire;

namespace MeshSim.Ovs.Conntrack;

/// <summary>The TCP header fields the connection tracker reads from one segment.</summary>
internal readonly record struct TcpSegment(ushort Flags, uint Seq, uint Ack, ushort Window, uint PayloadLength, byte WindowScale)
{
    public const ushort Fin = 0x01, Syn = 0x02, Rst = 0x04, Psh = 0x08, AckFlag = 0x10, Urg = 0x20;

    /// <summary>Reads the segment at the flow's L4 offset; the extractor has already checked the
    /// header fits. <see cref="WindowScale"/> carries OVS's CT_WSCALE_FLAG (0x80) when the option is present.</summary>
    public static TcpSegment Read(ReadOnlySpan<byte> frame, in FlowKey flow)
    {
        var tcp = frame[flow.L4Offset..];
        int l3 = flow.L3Offset;
        int ipTotal = BinaryPrimitives.ReadUInt16BigEndian(frame[(l3 + 2)..]);
        int ipHeader = (frame[l3] & 0x0F) * 4;
        int tcpHeader = (tcp[12] >> 4) * 4;
        int payload = Math.Max(0, ipTotal - ipHeader - tcpHeader);
        return new TcpSegment(
            (ushort)(BinaryPrimitives.ReadUInt16BigEndian(tcp[12..]) & 0x0FFF),
            BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(tcp[8..]),
            BinaryPrimitives.ReadUInt16BigEndian(tcp[14..]),
            (uint)payload,
            ReadWindowScale(tcp[20..Math.Min(tcpHeader, tcp.Length)]));
    }

    // OVS's tcp_get_wscale: walk the options; EOL ends, NOP skips, option 3 is window scale.
    private static byte ReadWindowScale(ReadOnlySpan<byte> opt)
    {
        byte wscale = 0;
        int i = 0, len = opt.Length;
        while (len >= 3)
        {
            switch (opt[i])
            {
                case 0: return wscale;
                case 1: i++; len--; break;
                default:
                    if (opt[i] == 3) wscale = (byte)(Math.Min((int)opt[i + 2], TcpTracker.MaxWindowScale) | TcpTracker.WscaleFlag);
                    int optLen = Math.Max((int)opt[i + 1], 2);
                    len -= optLen;
                    i += optLen;
                    break;
            }
        }
        return wscale;
    }
}
