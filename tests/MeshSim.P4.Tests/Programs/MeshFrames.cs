using System.Buffers.Binary;
using System.Text;
using MeshSim.P4.Execution;
using MeshSim.Wire;

namespace MeshSim.P4.Tests.Programs;

/// <summary>Frames for the mesh program: ARP, TCP and UDP with correct IPv4 and L4 checksums, optionally carrying a mesh header.</summary>
internal static class MeshFrames
{
    public static readonly byte[] ClientMac = [0, 0, 0, 0, 0, 0x01];
    public static readonly byte[] Vmac = [0, 0, 0, 0, 0x0a, 0x64];

    public static byte[] ArpRequest(uint senderIp, uint targetIp)
    {
        var f = new byte[42];
        f.AsSpan(0, 6).Fill(0xff);
        ClientMac.CopyTo(f, 6);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), 0x0806);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(14), 1);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(16), 0x0800);
        f[18] = 6; f[19] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(20), 1);
        ClientMac.CopyTo(f, 22);
        BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(28), senderIp);
        BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(38), targetIp);
        return f;
    }

    public static byte[] MeshRequest(string method, string route, params (string Label, string Value)[] headers)
    {
        var repr = MeshHeaderRepr.Request(method, route, headers.Select(h => new KeyValuePair<string, string>(h.Label, h.Value)).ToArray());
        var buf = new byte[repr.BufferLength];
        Assert.True(repr.TryEmit(buf, out var n, out var err), err.ToString());
        return [.. buf.AsSpan(0, n), .. Encoding.ASCII.GetBytes($"{method} {route} HTTP/1.1\r\nHost: svc\r\n\r\n")];
    }

    public static byte[] MeshResponse(int status)
    {
        var repr = MeshHeaderRepr.Response(status);
        var buf = new byte[repr.BufferLength];
        Assert.True(repr.TryEmit(buf, out var n, out _));
        return [.. buf.AsSpan(0, n), .. Encoding.ASCII.GetBytes($"HTTP/1.1 {status} X\r\nContent-Length: 0\r\n\r\n")];
    }

    /// <summary>Ethernet + IPv4 + TCP (20-byte header plus <paramref name="options"/>) + payload.</summary>
    public static byte[] Tcp(uint src, uint dst, ushort sport, ushort dport, byte flags, byte[]? payload = null, byte[]? options = null)
    {
        payload ??= []; options ??= [];
        int tcpLen = 20 + options.Length;
        var f = Ip(src, dst, 6, tcpLen + payload.Length, out var l4);
        BinaryPrimitives.WriteUInt16BigEndian(l4, sport);
        BinaryPrimitives.WriteUInt16BigEndian(l4[2..], dport);
        BinaryPrimitives.WriteUInt32BigEndian(l4[4..], 1000);
        l4[12] = (byte)((tcpLen / 4) << 4);
        l4[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(l4[14..], 65535);
        options.CopyTo(l4[20..]);
        payload.CopyTo(l4[tcpLen..]);
        BinaryPrimitives.WriteUInt16BigEndian(l4[16..], L4Checksum(f));
        return f;
    }

    public static byte[] Udp(uint src, uint dst, ushort sport, ushort dport, byte[] payload)
    {
        var f = Ip(src, dst, 17, 8 + payload.Length, out var l4);
        BinaryPrimitives.WriteUInt16BigEndian(l4, sport);
        BinaryPrimitives.WriteUInt16BigEndian(l4[2..], dport);
        BinaryPrimitives.WriteUInt16BigEndian(l4[4..], (ushort)(8 + payload.Length));
        payload.CopyTo(l4[8..]);
        BinaryPrimitives.WriteUInt16BigEndian(l4[6..], L4Checksum(f));
        return f;
    }

    private static byte[] Ip(uint src, uint dst, byte proto, int l4Len, out Span<byte> l4)
    {
        var f = new byte[34 + l4Len];
        Vmac.CopyTo(f, 0); ClientMac.CopyTo(f, 6);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), 0x0800);
        f[14] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(16), (ushort)(20 + l4Len));
        f[22] = 64; f[23] = proto;
        BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(26), src);
        BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(30), dst);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(24), HashAlgorithms.Csum16(f.AsSpan(14, 20)));
        l4 = f.AsSpan(34);
        return f;
    }

    /// <summary>The L4 checksum over the pseudo-header, with the checksum field taken as zero.</summary>
    public static ushort L4Checksum(byte[] f)
    {
        int l4Len = f.Length - 34;
        byte proto = f[23];
        var buf = new byte[12 + l4Len];
        f.AsSpan(26, 8).CopyTo(buf);
        buf[9] = proto;
        BinaryPrimitives.WriteUInt16BigEndian(buf.AsSpan(10), (ushort)l4Len);
        f.AsSpan(34).CopyTo(buf.AsSpan(12));
        int ck = proto == 6 ? 12 + 16 : 12 + 6;
        buf[ck] = 0; buf[ck + 1] = 0;
        return HashAlgorithms.Csum16(buf);
    }

    public static uint DstIp(byte[] f) => BinaryPrimitives.ReadUInt32BigEndian(f.AsSpan(30));
    public static uint SrcIp(byte[] f) => BinaryPrimitives.ReadUInt32BigEndian(f.AsSpan(26));
    public static ushort SrcPort(byte[] f) => BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(34));
    public static ushort DstPort(byte[] f) => BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(36));
    public static ushort L4ChecksumField(byte[] f) => BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(f[23] == 6 ? 50 : 40));
}
