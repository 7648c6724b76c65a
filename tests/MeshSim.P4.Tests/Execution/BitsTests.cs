using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MeshSim.P4.Model;

namespace MeshSim.P4.Tests.Execution;

public class BitsTests
{
    /// <summary>Writing a field then reading it back gives the value truncated to the width, and no other bit changes.</summary>
    [Property(MaxTest = 2000)]
    public bool Write_then_read_round_trips_and_keeps_neighbours(byte lead, byte widthSeed, ulong hi, ulong lo, byte fill)
    {
        int offset = lead % 16, width = 1 + widthSeed % 120;
        var value = new UInt128(hi, lo);
        var buf = Enumerable.Repeat(fill, 20).ToArray();
        var before = (byte[])buf.Clone();
        Bits.Write(buf, offset, width, value);
        if (Bits.Read(buf, offset, width) != (value & Bits.Mask(width))) return false;
        for (int bit = 0; bit < 160; bit++)
        {
            if (bit >= offset && bit < offset + width) continue;
            if (((buf[bit / 8] >> (7 - bit % 8)) & 1) != ((before[bit / 8] >> (7 - bit % 8)) & 1)) return false;
        }
        return true;
    }

    [Theory]
    [InlineData("0x0a", 10)]
    [InlineData("-0x1", -1)]
    [InlineData("0x000000000000000000000000000000000000ff", 255)]
    public void Hexstr_parses_padding_and_negatives(string s, long expected)
    {
        Assert.True(Bits.TryParseHexStr(s, out var v));
        Assert.Equal(expected < 0 ? UInt128.Zero - (UInt128)(ulong)(-expected) : (UInt128)(ulong)expected, v);
    }

    [Fact]
    public void Shifts_of_128_or_more_give_zero() => Assert.Equal(UInt128.Zero, Bits.Shl(UInt128.One, 200));
}
