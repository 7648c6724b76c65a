using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace MeshSim.Wire;

/// <summary>
/// Fills a <see cref="FlowKey"/> from a frame in one pass — MeshSim's counterpart of OVS's
/// <c>miniflow_extract</c> (lib/flow.c). Total: it never throws and never reads past the frame.
/// A layer that is missing or malformed leaves its fields (and every later layer's) zero, its
/// offset <see cref="FlowKey.Absent"/>, and bumps the matching <see cref="ExtractCounters"/> field.
/// </summary>
/// <remarks>
/// What follows OVS 3.1:
/// <list type="bullet">
/// <item>VLAN: one tag (0x8100 or 0x88A8); VlanTci gets the CFI bit (0x1000) set as a "present" mark.</item>
/// <item>802.3 frames: a type below 0x0600 is a length; LLC/SNAP with OUI 0 yields the SNAP type, anything else 0x05FF.</item>
/// <item>IPv4: bytes past the total length (Ethernet padding) are ignored; nw_frag is "any" for MF or
/// offset &gt; 0 and "later" for offset &gt; 0, and later fragments have no L4 fields.</item>
/// <item>ARP/RARP: only Ethernet/IPv4 ARP fills nw_src/nw_dst (spa/tpa), nw_proto (the opcode,
/// when ≤ 255) and arp_sha/arp_tha; dl fields stay.</item>
/// <item>ICMP and IGMP: type into TpSrc, code into TpDst (8 bytes needed). TCP: ports and the 12 flag
/// bits (a bad data offset leaves them zero). UDP, SCTP: ports.</item>
/// <item>The IPv4 version nibble is not checked (counted in <see cref="ExtractCounters.Ipv4BadVersion"/> only).</item>
/// </list>
/// Differences: only the outer VLAN tag is read (OVS reads two by default; a second TPID becomes
/// EthType here); IPv6, MPLS and NSH are identified by EthType but not parsed.
/// <see cref="FlowKey.L3Offset"/>/<see cref="FlowKey.L4Offset"/> are set only for a header that
/// passed its length checks (OVS records offsets before checking), so a switch can rewrite there
/// without re-checking. For other IP protocols L4Offset marks where their header starts.
/// The sequence and results were checked against <c>ovs-ofctl parse-pcap</c> of OVS 3.1.
/// </remarks>
public static class FlowExtractor
{
    private const int EthHeader = 14, Ipv4Min = 20, ArpLength = 28, TcpMin = 20, UdpHeader = 8, IcmpHeader = 8, IgmpHeader = 8, SctpHeader = 12;
    private const ushort VlanCfi = 0x1000;

    /// <summary>Resets <paramref name="key"/> and fills it from <paramref name="frame"/>.</summary>
    public static void Extract(ReadOnlySpan<byte> frame, uint inPort, ref FlowKey key, ref ExtractCounters counters)
    {
        key = default;
        key.InPort = inPort;
        key.L3Offset = FlowKey.Absent;
        key.L4Offset = FlowKey.Absent;
        counters.Frames++;

        if (frame.Length < EthHeader) { counters.EthernetTooShort++; return; }
        // Two 8-byte reads cover both addresses (bytes 0-7 and 4-11): fewer bounds checks than six-byte reads.
        key.EthDst = new MacAddress(BinaryPrimitives.ReadUInt64BigEndian(frame) >> 16);
        key.EthSrc = new MacAddress(BinaryPrimitives.ReadUInt64BigEndian(frame[4..]) & 0xFFFF_FFFF_FFFFUL);

        int at = 14;                                 // just past the type (or TPID)
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
        if (type is EtherType.Vlan or EtherType.QinQ)
        {
            // A tag needs its TCI and the inner type after it; without them OVS leaves the TPID as dl_type.
            if (frame.Length < 18) { counters.VlanTagTooShort++; key.EthType = type; return; }
            uint tciAndType = BinaryPrimitives.ReadUInt32BigEndian(frame[14..]);
            key.VlanTci = (ushort)((tciAndType >> 16) | VlanCfi);
            type = (ushort)tciAndType;
            at = 18;
        }
        if (type < 0x0600)
        {
            type = LlcType(frame[at..], out int llcLength, ref counters);
            at += llcLength;
        }
        key.EthType = type;

        var l3 = frame[at..];
        if (type == EtherType.Ipv4) ExtractIpv4(l3, at, ref key, ref counters);
        else if (type is EtherType.Arp or EtherType.Rarp) ExtractArp(l3, at, ref key, ref counters);
    }

    /// <summary>802.3: an LLC/SNAP header with OUI 0 carries an EtherType; anything else is "none".</summary>
    /// <remarks>Kept out of line: 802.3 frames are rare, and a by-ref offset would pin the hot path's offset to the stack.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ushort LlcType(ReadOnlySpan<byte> llc, out int consumed, ref ExtractCounters counters)
    {
        const int LlcSnap = 8;                     // DSAP SSAP CTRL, OUI(3), type(2)
        consumed = 0;
        if (llc.Length < LlcSnap) { counters.LlcTooShort++; return EtherType.None; }
        if (llc[0] != 0xAA || llc[1] != 0xAA || llc[2] != 0x03 || llc[3] != 0 || llc[4] != 0 || llc[5] != 0)
            return EtherType.None;
        ushort snapType = BinaryPrimitives.ReadUInt16BigEndian(llc[6..]);
        if (snapType < 0x0600) return EtherType.None;
        consumed = LlcSnap;
        return snapType;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ExtractIpv4(ReadOnlySpan<byte> ip, int offset, ref FlowKey key, ref ExtractCounters counters)
    {
        if (ip.Length < Ipv4Min) { counters.Ipv4TooShort++; return; }
        // The fixed header as three big-endian words: [ver/ihl tos totlen id frag] [ttl proto csum src] [dst].
        ulong w0 = BinaryPrimitives.ReadUInt64BigEndian(ip);
        ulong w1 = BinaryPrimitives.ReadUInt64BigEndian(ip[8..]);
        uint versionIhl = (uint)(w0 >> 56);
        if (versionIhl >> 4 != 4) counters.Ipv4BadVersion++;      // counted, but extracted anyway, as OVS does
        int headerLength = (int)(versionIhl & 0x0F) * 4;
        if (headerLength < Ipv4Min || headerLength > ip.Length) { counters.Ipv4BadHeaderLength++; return; }
        int totalLength = (ushort)(w0 >> 32);
        if (totalLength < headerLength || totalLength > ip.Length) { counters.Ipv4BadTotalLength++; return; }

        key.L3Offset = (ushort)offset;
        key.NwTos = (byte)(w0 >> 48);
        key.NwTtl = (byte)(w1 >> 56);
        key.NwProto = (byte)(w1 >> 48);
        key.NwSrc = new Ipv4Address((uint)w1);
        key.NwDst = new Ipv4Address(BinaryPrimitives.ReadUInt32BigEndian(ip[16..]));

        ushort fragment = (ushort)w0;
        if ((fragment & 0x3FFF) != 0)               // MF or a non-zero offset
        {
            key.NwFrag = FragmentState.Any;
            if ((fragment & 0x1FFF) != 0)
            {
                key.NwFrag |= FragmentState.Later;
                counters.Ipv4LaterFragments++;
                return;
            }
        }

        var l4 = ip[headerLength..totalLength];
        int l4Offset = offset + headerLength;
        switch (key.NwProto)
        {
            case IpProtocol.Tcp:
                if (l4.Length < TcpMin) { counters.TcpTooShort++; return; }
                int dataOffset = (l4[12] >> 4) * 4;
                if (dataOffset < TcpMin || dataOffset > l4.Length) { counters.TcpBadDataOffset++; return; }
                uint tcpPorts = BinaryPrimitives.ReadUInt32BigEndian(l4);
                key.TpSrc = (ushort)(tcpPorts >> 16);
                key.TpDst = (ushort)tcpPorts;
                key.TcpFlags = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(l4[12..]) & 0x0FFF);
                break;
            case IpProtocol.Udp:
                if (l4.Length < UdpHeader) { counters.UdpTooShort++; return; }
                uint udpPorts = BinaryPrimitives.ReadUInt32BigEndian(l4);
                key.TpSrc = (ushort)(udpPorts >> 16);
                key.TpDst = (ushort)udpPorts;
                break;
            case IpProtocol.Icmp:
                if (l4.Length < IcmpHeader) { counters.IcmpTooShort++; return; }
                key.TpSrc = l4[0];
                key.TpDst = l4[1];
                break;
            case IpProtocol.Igmp:                   // OVS keeps IGMP type/code in tp_src/tp_dst as well
                if (l4.Length < IgmpHeader) { counters.IgmpTooShort++; return; }
                key.TpSrc = l4[0];
                key.TpDst = l4[1];
                break;
            case IpProtocol.Sctp:
                if (l4.Length < SctpHeader) { counters.SctpTooShort++; return; }
                key.TpSrc = BinaryPrimitives.ReadUInt16BigEndian(l4);
                key.TpDst = BinaryPrimitives.ReadUInt16BigEndian(l4[2..]);
                break;
        }
        key.L4Offset = (ushort)l4Offset;
    }

    private static void ExtractArp(ReadOnlySpan<byte> arp, int offset, ref FlowKey key, ref ExtractCounters counters)
    {
        if (arp.Length < ArpLength) { counters.ArpTooShort++; return; }
        if (BinaryPrimitives.ReadUInt16BigEndian(arp) != 1 || BinaryPrimitives.ReadUInt16BigEndian(arp[2..]) != EtherType.Ipv4
            || arp[4] != 6 || arp[5] != 4)
        {
            counters.ArpUnsupported++;
            return;
        }
        key.L3Offset = (ushort)offset;
        ushort op = BinaryPrimitives.ReadUInt16BigEndian(arp[6..]);
        if (op <= 0xFF) key.NwProto = (byte)op;
        key.ArpSha = MacAddress.Read(arp[8..]);
        key.NwSrc = new Ipv4Address(BinaryPrimitives.ReadUInt32BigEndian(arp[14..]));
        key.ArpTha = MacAddress.Read(arp[18..]);
        key.NwDst = new Ipv4Address(BinaryPrimitives.ReadUInt32BigEndian(arp[24..]));
    }
}
