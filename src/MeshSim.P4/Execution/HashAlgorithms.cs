using System.Buffers.Binary;

namespace MeshSim.P4.Execution;

/// <summary>Hash algorithms bmv2's simple_switch offers, by the names that appear in JSON.</summary>
public enum HashAlgorithm { Crc16, Crc32, CrcCcitt, Csum16, Identity, Xor16 }

/// <summary>
/// The algorithms with bmv2's parameters: <c>crc16</c> is CRC-16/ARC (poly 0x8005 reflected,
/// init 0), <c>crc32</c> is the IEEE CRC-32, <c>crcCCITT</c> is CRC-16/CCITT-FALSE, <c>csum16</c>
/// is the Internet checksum (RFC 1071), <c>identity</c> is the first 8 bytes as a big-endian
/// integer, <c>xor16</c> XORs 16-bit words (a short tail is padded with zeros on the right).
/// </summary>
public static class HashAlgorithms
{
    private static readonly ushort[] Crc16Table = BuildReflected16(0xA001);
    private static readonly uint[] Crc32Table = BuildReflected32(0xEDB88320);
    private static readonly ushort[] CcittTable = BuildNormal16(0x1021);

    public static bool TryParse(string name, out HashAlgorithm algo)
    {
        switch (name)
        {
            case "crc16": algo = HashAlgorithm.Crc16; return true;
            case "crc32": algo = HashAlgorithm.Crc32; return true;
            case "crcCCITT": algo = HashAlgorithm.CrcCcitt; return true;
            case "csum16": case "cksum16": algo = HashAlgorithm.Csum16; return true;
            case "identity": algo = HashAlgorithm.Identity; return true;
            case "xor16": algo = HashAlgorithm.Xor16; return true;
            default: algo = default; return false;
        }
    }

    public static ulong Compute(HashAlgorithm algo, ReadOnlySpan<byte> data) => algo switch
    {
        HashAlgorithm.Crc16 => Crc16(data),
        HashAlgorithm.Crc32 => Crc32(data),
        HashAlgorithm.CrcCcitt => CrcCcitt(data),
        HashAlgorithm.Csum16 => Csum16(data),
        HashAlgorithm.Identity => Identity(data),
        HashAlgorithm.Xor16 => Xor16(data),
        _ => 0,
    };

    public static ushort Crc16(ReadOnlySpan<byte> data)
    {
        ushort crc = 0;
        foreach (var b in data) crc = (ushort)((crc >> 8) ^ Crc16Table[(crc ^ b) & 0xFF]);
        return crc;
    }

    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data) crc = (crc >> 8) ^ Crc32Table[(crc ^ b) & 0xFF];
        return crc ^ 0xFFFFFFFF;
    }

    public static ushort CrcCcitt(ReadOnlySpan<byte> data)
    {
        ushort crc = 0xFFFF;
        foreach (var b in data) crc = (ushort)((crc << 8) ^ CcittTable[((crc >> 8) ^ b) & 0xFF]);
        return crc;
    }

    /// <summary>RFC 1071 ones'-complement checksum; an odd tail byte is padded with zero.</summary>
    /// <summary>RFC 1071 over <paramref name="data"/> (odd length padded with a zero byte), complemented; the
    /// wire layer's word-at-a-time sum (the same value as summing 16-bit words).</summary>
    public static ushort Csum16(ReadOnlySpan<byte> data) => MeshSim.Wire.Checksum.Compute(data);

    public static ulong Identity(ReadOnlySpan<byte> data)
    {
        ulong r = 0;
        int n = Math.Min(8, data.Length);
        for (int i = 0; i < n; i++) r = (r << 8) | data[i];
        return r;
    }

    public static ushort Xor16(ReadOnlySpan<byte> data)
    {
        ushort r = 0;
        int i = 0;
        for (; i + 1 < data.Length; i += 2) r ^= BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length) r ^= (ushort)(data[i] << 8);
        return r;
    }

    private static ushort[] BuildReflected16(ushort poly)
    {
        var t = new ushort[256];
        for (int i = 0; i < 256; i++) { ushort c = (ushort)i; for (int k = 0; k < 8; k++) c = (ushort)((c & 1) != 0 ? (c >> 1) ^ poly : c >> 1); t[i] = c; }
        return t;
    }
    private static uint[] BuildReflected32(uint poly)
    {
        var t = new uint[256];
        for (uint i = 0; i < 256; i++) { uint c = i; for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ poly : c >> 1; t[i] = c; }
        return t;
    }
    private static ushort[] BuildNormal16(ushort poly)
    {
        var t = new ushort[256];
        for (int i = 0; i < 256; i++) { ushort c = (ushort)(i << 8); for (int k = 0; k < 8; k++) c = (ushort)((c & 0x8000) != 0 ? (c << 1) ^ poly : c << 1); t[i] = c; }
        return t;
    }
}
