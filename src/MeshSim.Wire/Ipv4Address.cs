using System.Buffers.Binary;

namespace MeshSim.Wire;

/// <summary>An IPv4 address as a host-order <see cref="uint"/> (192.168.1.1 is 0xC0A80101).</summary>
public readonly record struct Ipv4Address(uint Value) : IComparable<Ipv4Address>
{
    /// <summary>0.0.0.0.</summary>
    public static readonly Ipv4Address Any = new(0);
    /// <summary>255.255.255.255.</summary>
    public static readonly Ipv4Address Broadcast = new(0xFFFF_FFFF);

    /// <summary>Reads four bytes in network order.</summary>
    public static Ipv4Address Read(ReadOnlySpan<byte> b) => new(BinaryPrimitives.ReadUInt32BigEndian(b));

    /// <summary>Writes four bytes in network order.</summary>
    public void Write(Span<byte> b) => BinaryPrimitives.WriteUInt32BigEndian(b, Value);

    /// <summary>Parses dotted-quad text; each part 0–255, no leading '+' or spaces.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out Ipv4Address address)
    {
        address = default;
        uint v = 0;
        int part = 0, digits = 0, value = 0;
        foreach (char c in s)
        {
            if (c == '.')
            {
                if (digits == 0 || part == 3) return false;
                v = (v << 8) | (uint)value; part++; digits = 0; value = 0;
            }
            else if (c is >= '0' and <= '9')
            {
                value = value * 10 + (c - '0');
                if (++digits > 3 || value > 255) return false;
            }
            else return false;
        }
        if (digits == 0 || part != 3) return false;
        address = new Ipv4Address((v << 8) | (uint)value);
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/>; for tests and literals.</summary>
    public static Ipv4Address Parse(string s) =>
        TryParse(s, out var a) ? a : throw new FormatException($"'{s}' is not an IPv4 address (expected a.b.c.d)");

    /// <inheritdoc/>
    public int CompareTo(Ipv4Address other) => Value.CompareTo(other.Value);

    /// <summary>Dotted-quad form.</summary>
    public override string ToString() => $"{Value >> 24}.{(Value >> 16) & 0xFF}.{(Value >> 8) & 0xFF}.{Value & 0xFF}";
}
