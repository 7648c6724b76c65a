using System.Text;
using FsCheck.Xunit;
using MeshSim.P4.Execution;

namespace MeshSim.P4.Tests.Execution;

public class HashAlgorithmTests
{
    private static readonly byte[] Check = Encoding.ASCII.GetBytes("123456789");

    // Catalogue check values: CRC-16/ARC, CRC-32 (IEEE), CRC-16/CCITT-FALSE.
    [Fact] public void Crc16_is_crc16_arc() => Assert.Equal(0xBB3D, HashAlgorithms.Crc16(Check));
    [Fact] public void Crc32_is_ieee() => Assert.Equal(0xCBF43926u, HashAlgorithms.Crc32(Check));
    [Fact] public void CrcCcitt_is_ccitt_false() => Assert.Equal(0x29B1, HashAlgorithms.CrcCcitt(Check));

    [Fact]
    public void Csum16_matches_rfc1071_example()
    {
        // RFC 1071 section 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2; the checksum is its complement.
        Assert.Equal(unchecked((ushort)~0xddf2), HashAlgorithms.Csum16([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]));
    }

    [Fact] public void Identity_takes_the_first_eight_bytes() => Assert.Equal(0x0102030405060708UL, HashAlgorithms.Identity([1, 2, 3, 4, 5, 6, 7, 8, 9]));

    [Property]
    public bool Csum16_of_data_with_its_checksum_appended_is_zero(byte[] data)
    {
        var even = data.Length % 2 == 0 ? data : [.. data, 0];
        ushort c = HashAlgorithms.Csum16(even);
        return HashAlgorithms.Csum16([.. even, (byte)(c >> 8), (byte)c]) == 0;
    }
}
