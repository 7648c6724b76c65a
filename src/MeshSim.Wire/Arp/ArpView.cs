using System.Buffers.Binary;

namespace MeshSim.Wire;

/// <summary>
/// ARP packet view for Ethernet hardware and IPv4 protocol addresses (hlen 6, plen 4: the only
/// shape MeshSim, and OVS's flow extraction, interpret). After <see cref="TryCreate"/> succeeds no
/// member reads or writes out of range.
/// </summary>
public readonly ref struct ArpView
{
    /// <summary>Length of an Ethernet/IPv4 ARP packet.</summary>
    public const int Length = 28;
    /// <summary>Length of the fixed part that says how long the addresses are.</summary>
    public const int FixedLength = 8;

    private static class Field
    {
        public const int HardwareType = 0, ProtocolType = 2, HardwareLength = 4, ProtocolLength = 5, Operation = 6;
        public const int SenderHardware = 8, SenderProtocol = 14, TargetHardware = 18, TargetProtocol = 24;
    }

    private readonly Span<byte> _b;
    private ArpView(Span<byte> buffer) => _b = buffer;

    /// <summary>Checks the fixed part, the address lengths (6 and 4) and the whole length.</summary>
    public static bool TryCreate(Span<byte> buffer, out ArpView view, out WireError error)
    {
        view = new ArpView(buffer);
        if (buffer.Length < FixedLength)
            error = WireError.Truncated(0, FixedLength, buffer.Length, "arp.header");
        else if (buffer[Field.HardwareLength] != 6)
            error = WireError.Unsupported(Field.HardwareLength, "arp.hlen (expected 6)");
        else if (buffer[Field.ProtocolLength] != 4)
            error = WireError.Unsupported(Field.ProtocolLength, "arp.plen (expected 4)");
        else if (buffer.Length < Length)
            error = WireError.Truncated(0, Length, buffer.Length, "arp.addresses");
        else
            error = default;
        return error.IsNone;
    }

    /// <summary>A view for emitting into a buffer of at least <see cref="Length"/> bytes. Never for parsing input.</summary>
    public static ArpView ForEmit(Span<byte> buffer) => new(buffer);

    /// <summary>Hardware type (1 = Ethernet).</summary>
    public ushort HardwareType { get => Get16(Field.HardwareType); set => Set16(Field.HardwareType, value); }
    /// <summary>Protocol type (0x0800 = IPv4).</summary>
    public ushort ProtocolType { get => Get16(Field.ProtocolType); set => Set16(Field.ProtocolType, value); }
    /// <summary>Hardware address length.</summary>
    public byte HardwareLength { get => _b[Field.HardwareLength]; set => _b[Field.HardwareLength] = value; }
    /// <summary>Protocol address length.</summary>
    public byte ProtocolLength { get => _b[Field.ProtocolLength]; set => _b[Field.ProtocolLength] = value; }
    /// <summary>Operation (1 request, 2 reply).</summary>
    public ushort Operation { get => Get16(Field.Operation); set => Set16(Field.Operation, value); }
    /// <summary>Sender hardware address (arp_sha).</summary>
    public MacAddress SenderHardwareAddress { get => MacAddress.Read(_b[Field.SenderHardware..]); set => value.Write(_b[Field.SenderHardware..]); }
    /// <summary>Sender protocol address (arp_spa).</summary>
    public Ipv4Address SenderProtocolAddress { get => Ipv4Address.Read(_b[Field.SenderProtocol..]); set => value.Write(_b[Field.SenderProtocol..]); }
    /// <summary>Target hardware address (arp_tha).</summary>
    public MacAddress TargetHardwareAddress { get => MacAddress.Read(_b[Field.TargetHardware..]); set => value.Write(_b[Field.TargetHardware..]); }
    /// <summary>Target protocol address (arp_tpa).</summary>
    public Ipv4Address TargetProtocolAddress { get => Ipv4Address.Read(_b[Field.TargetProtocol..]); set => value.Write(_b[Field.TargetProtocol..]); }

    private ushort Get16(int at) => BinaryPrimitives.ReadUInt16BigEndian(_b[at..]);
    private void Set16(int at, ushort v) => BinaryPrimitives.WriteUInt16BigEndian(_b[at..], v);

    /// <summary>e.g. "ARP request who-has 10.0.0.2 tell 10.0.0.1 (02:00:00:00:00:01)".</summary>
    public override string ToString() => Operation switch
    {
        ArpOperation.Request => $"ARP request who-has {TargetProtocolAddress} tell {SenderProtocolAddress} ({SenderHardwareAddress})",
        ArpOperation.Reply => $"ARP reply {SenderProtocolAddress} is-at {SenderHardwareAddress} to {TargetProtocolAddress} ({TargetHardwareAddress})",
        _ => $"ARP op={Operation} {SenderProtocolAddress} ({SenderHardwareAddress}) > {TargetProtocolAddress} ({TargetHardwareAddress})",
    };
}

/// <summary>ARP operation codes.</summary>
public static class ArpOperation
{
    /// <summary>Request (1).</summary>
    public const ushort Request = 1;
    /// <summary>Reply (2).</summary>
    public const ushort Reply = 2;
}
