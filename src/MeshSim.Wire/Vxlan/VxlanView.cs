using System.Buffers.Binary;

namespace MeshSim.Wire;

/// <summary>VXLAN header view (RFC 7348): flags (I = 0x08 marks a valid VNI), 24 reserved bits,
/// the 24-bit VNI, 8 reserved bits; the payload is the inner Ethernet frame.</summary>
public readonly ref struct VxlanView
{
    /// <summary>Header length.</summary>
    public const int HeaderLength = 8;
    /// <summary>The I flag: the VNI is valid.</summary>
    public const byte ValidVniFlag = 0x08;

    private readonly Span<byte> _b;
    private VxlanView(Span<byte> buffer) => _b = buffer;

    /// <summary>Checks that the 8-byte header is present.</summary>
    public static bool TryCreate(Span<byte> buffer, out VxlanView view, out WireError error)
    {
        view = new VxlanView(buffer);
        error = buffer.Length < HeaderLength ? WireError.Truncated(0, HeaderLength, buffer.Length, "vxlan.header") : default;
        return error.IsNone;
    }

    /// <summary>A view for emitting into a buffer sized from a repr. Never for parsing input.</summary>
    public static VxlanView ForEmit(Span<byte> buffer) => new(buffer);

    /// <summary>The flags byte.</summary>
    public byte Flags { get => _b[0]; set => _b[0] = value; }
    /// <summary>The 24 reserved bits after the flags.</summary>
    public uint Reserved1 { get => (uint)(_b[1] << 16 | _b[2] << 8 | _b[3]); set { _b[1] = (byte)(value >> 16); _b[2] = (byte)(value >> 8); _b[3] = (byte)value; } }
    /// <summary>The 24-bit VXLAN network identifier.</summary>
    public uint Vni
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_b[4..]) >> 8;
        set { _b[4] = (byte)(value >> 16); _b[5] = (byte)(value >> 8); _b[6] = (byte)value; }
    }
    /// <summary>The last reserved byte.</summary>
    public byte Reserved2 { get => _b[7]; set => _b[7] = value; }
    /// <summary>The inner Ethernet frame.</summary>
    public Span<byte> Payload => _b[HeaderLength..];

    /// <summary>e.g. "VXLAN vni=5001".</summary>
    public override string ToString() => (Flags & ValidVniFlag) != 0 ? $"VXLAN vni={Vni}" : $"VXLAN flags=0x{Flags:x2} (no I flag)";
}
