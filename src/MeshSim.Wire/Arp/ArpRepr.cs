namespace MeshSim.Wire;

/// <summary>An Ethernet/IPv4 ARP packet's values (RFC 826).</summary>
public readonly record struct ArpRepr(
    ushort Operation,
    MacAddress SenderHardwareAddress,
    Ipv4Address SenderProtocolAddress,
    MacAddress TargetHardwareAddress,
    Ipv4Address TargetProtocolAddress)
{
    /// <summary>Hardware type for Ethernet.</summary>
    public const ushort EthernetHardwareType = 1;

    /// <summary>Reads the packet; fails (Unsupported) unless hardware type is Ethernet and protocol type IPv4.</summary>
    public static bool TryParse(ArpView view, out ArpRepr repr, out WireError error)
    {
        repr = default;
        if (view.HardwareType != EthernetHardwareType) { error = WireError.Unsupported(0, "arp.htype (expected 1)"); return false; }
        if (view.ProtocolType != EtherType.Ipv4) { error = WireError.Unsupported(2, "arp.ptype (expected 0x0800)"); return false; }
        repr = new ArpRepr(view.Operation, view.SenderHardwareAddress, view.SenderProtocolAddress,
                           view.TargetHardwareAddress, view.TargetProtocolAddress);
        error = default;
        return true;
    }

    /// <summary>Always <see cref="ArpView.Length"/> (28).</summary>
    public int BufferLength => ArpView.Length;

    /// <summary>Writes all 28 bytes.</summary>
    public void Emit(ArpView view)
    {
        view.HardwareType = EthernetHardwareType;
        view.ProtocolType = EtherType.Ipv4;
        view.HardwareLength = 6;
        view.ProtocolLength = 4;
        view.Operation = Operation;
        view.SenderHardwareAddress = SenderHardwareAddress;
        view.SenderProtocolAddress = SenderProtocolAddress;
        view.TargetHardwareAddress = TargetHardwareAddress;
        view.TargetProtocolAddress = TargetProtocolAddress;
    }
}
