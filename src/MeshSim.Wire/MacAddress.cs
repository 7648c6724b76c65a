using System.Buffers.Binary;

namespace MeshSim.Wire;

/// <summary>A 48-bit Ethernet address held in the low 48 bits of a <see cref="ulong"/>
/// (most significant byte first on the wire), so keys compare and hash as integers.</summary>
public readonly record struct MacAddress(ulong Value)
{
    /// <summary>ff:ff:ff:ff:ff:ff.</summary>
    public static readonly MacAddress Broadcast = new(0xFFFF_FFFF_FFFFUL);

    /// <summary>Reads six bytes in network order.</summary>
    public static MacAddress Read(ReadOnlySpan<byte> b) =>
        new(((ulong)BinaryPrimitives.ReadUInt16BigEndian(b) << 32) | BinaryPrimitives.ReadUInt32BigEndian(b[2..]));

    /// <summary>Writes six bytes in network order.</summary>
    public void Write(Span<byte> b)
    {
        BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)(Value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(b[2..], (uint)Value);
    }

    /// <summary>True for group (multicast and broadcast) addresses: the I/G bit of the first byte.</summary>
    public bool IsMulticast => ((Value >> 40) & 1) != 0;

    /// <summary>Parses "aa:bb:cc:dd:ee:ff" (hex digits, either case).</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out MacAddress mac)
    {
        mac = default;
        if (s.Length != 17) return false;
        ulong v = 0;
        for (int i = 0; i < 6; i++)
        {
            if (i > 0 && s[i * 3 - 1] != ':') return false;
            int hi = HexValue(s[i * 3]), lo = HexValue(s[i * 3 + 1]);
            if ((hi | lo) < 0) return false;
            v = (v << 8) | (uint)(hi << 4 | lo);
        }
        mac = new MacAddress(v);
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/>; for tests and literals.</summary>
    public static MacAddress Parse(string s) =>
        TryParse(s, out var m) ? m : throw new FormatException($"'{s}' is not a MAC address (expected xx:xx:xx:xx:xx:xx)");

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>Lower-case colon form, as OVS prints it.</summary>
    public override string ToString() =>
        $"{(byte)(Value >> 40):x2}:{(byte)(Value >> 32):x2}:{(byte)(Value >> 24):x2}:{(byte)(Value >> 16):x2}:{(byte)(Value >> 8):x2}:{(byte)Value:x2}";
}
