namespace MeshSim.Wire.Tests;

/// <summary>
/// Frames recorded on this project's machines, byte for byte (tshark -x / the pcap records).
/// pcaps/wire-veth.pcap: two network namespaces joined by a veth pair (02:00:00:00:00:0a = 10.77.0.1,
/// 02:00:00:00:00:0b = 10.77.0.2) plus a VXLAN 5001 tunnel over it (10.77.1.0/24); echo requests
/// sent from a raw socket. pcaps/wire-loopback.pcap: curl against python's http.server on
/// 127.0.0.1:18080, and one UDP datagram to a closed port (hence the ICMP port unreachable).
/// Loopback TCP/UDP checksums are offloaded: the field holds only the pseudo-header sum.
/// </summary>
internal static class Captures
{
    /// <summary>wire-veth.pcap frame 1: ARP request who-has 10.77.0.1 tell 10.77.0.2.</summary>
    public static byte[] ArpRequest => Hex("ffffffffffff02000000000b0806000108000604000102000000000b0a4d00020000000000000a4d0001");

    /// <summary>wire-veth.pcap frame 2: ARP reply 10.77.0.1 is-at 02:00:00:00:00:0a.</summary>
    public static byte[] ArpReply => Hex("02000000000b02000000000a0806000108000604000202000000000a0a4d000102000000000b0a4d0002");

    /// <summary>wire-veth.pcap frame 4: ICMP echo request 10.77.0.1 → 10.77.0.2, id 0x1234 seq 1, 24 data bytes 0x10..0x27, DF.</summary>
    public static byte[] EchoRequest => Hex("02000000000b02000000000a08004500003409b0400040011c7d0a4d00010a4d00020800a07912340001101112131415161718191a1b1c1d1e1f2021222324252627");

    /// <summary>wire-veth.pcap frame 5: the echo reply to frame 4 (kernel-built, id 0x1c77, no DF).</summary>
    public static byte[] EchoReply => Hex("02000000000a02000000000b0800450000341c770000400149b60a4d00020a4d00010000a87912340001101112131415161718191a1b1c1d1e1f2021222324252627");

    /// <summary>wire-veth.pcap frame 8: VXLAN 5001 (outer UDP 48966 → 4789, offloaded checksum 0x1500; tshark computes 0x7989)
    /// carrying echo request 10.77.1.1 → 10.77.1.2 between 02:00:00:00:01:0a and 02:00:00:00:01:0b.</summary>
    public static byte[] VxlanEcho => Hex("02000000000b02000000000a080045000066c5ff000040119feb0a4d00010a4d0002bf4612b500521500080000000013890002000000010b02000000010a080045000034d83b400040014bf10a4d01010a4d01020800a07912340001101112131415161718191a1b1c1d1e1f2021222324252627");

    /// <summary>wire-veth.pcap frame 10: 802.1Q tag (PCP 5, VID 10) + echo request id 0x4242 seq 7, data "vlan-tagged".</summary>
    public static byte[] VlanEcho => Hex("02000000000b02000000000a8100a00a0800450000270abc400040011b7e0a4d00010a4d00020800839a42420007766c616e2d746167676564");

    /// <summary>wire-veth.pcap frame 11: echo request with a 12-byte IPv4 option list (record route, 2 slots, one used; EOL).</summary>
    public static byte[] OptionsEcho => Hex("02000000000b02000000000a08004800002f119940004001b4830a4d00010a4d0002070b080a4d0001000000000008001f81123400026f7074696f6e73");

    /// <summary>wire-veth.pcap frame 14, complete: the second (last) fragment of a 1608-byte echo request
    /// (id 0x119a, offset 1480 bytes = 185 units, MF clear).</summary>
    public static byte[] LaterFragment => Hex(
        "02000000000b02000000000a080045000094119a00b94001537a0a4d00010a4d0002" +
        "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff" +
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");

    /// <summary>wire-veth.pcap frame 13, first 80 bytes: the first fragment's headers (MF set, offset 0)
    /// and echo header; the frame is cut, so the IPv4 total length (1500) runs past it.</summary>
    public static byte[] FirstFragmentCut => Hex("02000000000b02000000000a0800450005dc119a200040012eeb0a4d00010a4d00020800804612340003000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425");

    /// <summary>wire-loopback.pcap frame 1: SYN 33920 → 18080, seq 0x44befad7, win 65495,
    /// options MSS 65495, SACK-permitted, TS 2147947441/0, WS 10. tshark computes checksum 0xb18f.</summary>
    public static byte[] TcpSyn => Hex("00000000000000000000000008004500003c872d40004006b58c7f0000017f000001848046a044befad700000000a002ffd7fe3000000204ffd70402080a800713b1000000000103030a");

    /// <summary>wire-loopback.pcap frame 4: PSH+ACK carrying "GET /nonexistent-wire HTTP/1.1 …" (95 bytes), options NOP NOP TS.
    /// tshark computes checksum 0xf41c.</summary>
    public static byte[] TcpHttpGet => Hex("000000000000000000000000080045000093872f40004006b5337f0000017f000001848046a044befad82a08aba080180040fe8700000101080a800713b1bb4374b9474554202f6e6f6e6578697374656e742d7769726520485454502f312e310d0a486f73743a203132372e302e302e313a31383038300d0a557365722d4167656e743a206375726c2f372e38382e310d0a4163636570743a202a2f2a0d0a0d0a");

    /// <summary>wire-loopback.pcap frame 10: FIN+ACK 18080 → 33920.</summary>
    public static byte[] TcpFin => Hex("000000000000000000000000080045000034c2d94000400679e87f0000017f00000146a084802a08ada844befb3780110040fe2800000101080abb4374c2800713ba");

    /// <summary>wire-loopback.pcap frame 13: UDP 57305 → 19999 "hello wire\n". tshark computes checksum 0x9c0b.</summary>
    public static byte[] Udp => Hex("000000000000000000000000080045000027f75a4000401145697f0000017f000001dfd94e1f0013fe2668656c6c6f20776972650a");

    /// <summary>wire-loopback.pcap frame 14: ICMP port unreachable quoting frame 13's IPv4 header and UDP datagram (TOS 0xc0).</summary>
    public static byte[] PortUnreachable => Hex("000000000000000000000000080045c00043db2000004001a0d77f0000017f000001030399080000000045000027f75a4000401145697f0000017f000001dfd94e1f0013fe2668656c6c6f20776972650a");

    /// <summary>All of the above, for fuzzing and truncation sweeps.</summary>
    public static IEnumerable<(string Name, byte[] Frame)> All()
    {
        yield return (nameof(ArpRequest), ArpRequest);
        yield return (nameof(ArpReply), ArpReply);
        yield return (nameof(EchoRequest), EchoRequest);
        yield return (nameof(EchoReply), EchoReply);
        yield return (nameof(VxlanEcho), VxlanEcho);
        yield return (nameof(VlanEcho), VlanEcho);
        yield return (nameof(OptionsEcho), OptionsEcho);
        yield return (nameof(LaterFragment), LaterFragment);
        yield return (nameof(FirstFragmentCut), FirstFragmentCut);
        yield return (nameof(TcpSyn), TcpSyn);
        yield return (nameof(TcpHttpGet), TcpHttpGet);
        yield return (nameof(TcpFin), TcpFin);
        yield return (nameof(Udp), Udp);
        yield return (nameof(PortUnreachable), PortUnreachable);
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex);

    /// <summary>A buffer of <paramref name="length"/> junk bytes (0xA5): emitting into it shows any field an emitter forgot.</summary>
    public static byte[] Junk(int length) => Enumerable.Repeat((byte)0xA5, length).ToArray();
}
