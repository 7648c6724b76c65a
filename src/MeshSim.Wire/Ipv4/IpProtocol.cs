namespace MeshSim.Wire;

/// <summary>IP protocol numbers MeshSim knows by name (IANA registry).</summary>
public static class IpProtocol
{
    /// <summary>ICMP (1).</summary>
    public const byte Icmp = 1;
    /// <summary>IGMP (2).</summary>
    public const byte Igmp = 2;
    /// <summary>TCP (6).</summary>
    public const byte Tcp = 6;
    /// <summary>UDP (17).</summary>
    public const byte Udp = 17;
    /// <summary>SCTP (132).</summary>
    public const byte Sctp = 132;
}
