using System.Buffers.Binary;
using MeshSim.P4.Execution;

namespace MeshSim.P4.Tests;

/// <summary>Hand-built frames (Ethernet / IPv4 / 4-byte L4 port header + payload) for interpreter tests.</summary>
internal static class TestFrames
{
    public static byte[] Ipv4(uint src, uint dst, byte protocol = 17, ushort sport = 1234, ushort dport = 80, byte ttl = 64, int payload = 8, bool goodChecksum = true)
    {
        var f = new byte[14 + 20 + 4 + payload];
        f[0] = 0x02; f[5] = 0x01;            // dst 02:00:00:00:00:01
        f[6] = 0x02; f[11] = 0x02;           // src 02:00:00:00:00:02
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), 0x0800);
        var ip = f.AsSpan(14, 20);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(20 + 4 + payload));
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], 0x1234);
        ip[8] = ttl; ip[9] = protocol;
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], src);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], dst);
        ushort ck = HashAlgorithms.Csum16(ip);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], goodChecksum ? ck : (ushort)(ck ^ 0x5555));
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(34), sport);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(36), dport);
        for (int i = 0; i < payload; i++) f[38 + i] = (byte)(0xA0 + i);
        return f;
    }

    public static uint Ip(string dotted) { var p = dotted.Split('.').Select(byte.Parse).ToArray(); return (uint)(p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]); }

    public static List<(int Port, byte[] Frame)> Outputs(EgressPackets o) =>
        Enumerable.Range(0, o.Count).Select(i => (o.Port(i), o.Frame(i).ToArray())).ToList();
}
