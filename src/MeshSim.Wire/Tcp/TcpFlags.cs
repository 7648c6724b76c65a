namespace MeshSim.Wire;

/// <summary>The TCP control bits in their header positions (the low 12 bits of bytes 12–13),
/// the same numbering as OVS's tcp_flags.</summary>
[Flags]
public enum TcpFlags : ushort
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary>FIN.</summary>
    Fin = 0x001,
    /// <summary>SYN.</summary>
    Syn = 0x002,
    /// <summary>RST.</summary>
    Rst = 0x004,
    /// <summary>PSH.</summary>
    Psh = 0x008,
    /// <summary>ACK.</summary>
    Ack = 0x010,
    /// <summary>URG.</summary>
    Urg = 0x020,
    /// <summary>ECE.</summary>
    Ece = 0x040,
    /// <summary>CWR.</summary>
    Cwr = 0x080,
    /// <summary>NS (RFC 3540, historic).</summary>
    Ns = 0x100,
}
