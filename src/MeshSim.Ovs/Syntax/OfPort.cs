namespace MeshSim.Ovs;

/// <summary>
/// OpenFlow port numbers as OVS uses them internally (16-bit, OpenFlow 1.0 numbering of the
/// reserved ports) and their printed names.
/// </summary>
public static class OfPort
{
    /// <summary>Largest ordinary port number.</summary>
    public const uint Max = 0xff00;
    /// <summary>The packet's input port.</summary>
    public const uint InPort = 0xfff8;
    /// <summary>Submit to the flow table (packet-out only).</summary>
    public const uint Table = 0xfff9;
    /// <summary>The NORMAL L2 switching pipeline.</summary>
    public const uint Normal = 0xfffa;
    /// <summary>All ports except the input port and ports with flooding disabled.</summary>
    public const uint Flood = 0xfffb;
    /// <summary>All ports except the input port.</summary>
    public const uint All = 0xfffc;
    /// <summary>The controller.</summary>
    public const uint Controller = 0xfffd;
    /// <summary>The bridge's local port.</summary>
    public const uint Local = 0xfffe;
    /// <summary>No port (also "any" in some contexts).</summary>
    public const uint None = 0xffff;

    private static readonly (string Name, uint Port)[] Names =
    [
        ("IN_PORT", InPort), ("TABLE", Table), ("NORMAL", Normal), ("FLOOD", Flood),
        ("ALL", All), ("CONTROLLER", Controller), ("LOCAL", Local), ("ANY", None), ("NONE", None),
    ];

    /// <summary>Prints a port as OVS does: reserved ports by name, others in decimal.</summary>
    public static string Format(uint port)
    {
        foreach (var (name, p) in Names)
            if (p == port && name != "NONE") return name;
        return port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Parses a reserved port name (case-insensitive, as OVS) or returns false.</summary>
    public static bool TryParseName(ReadOnlySpan<char> s, out uint port)
    {
        foreach (var (name, p) in Names)
            if (s.Equals(name, StringComparison.OrdinalIgnoreCase)) { port = p; return true; }
        port = 0;
        return false;
    }

    /// <summary>ofputil_port_to_ofp11: the OpenFlow 1.1+ number of a port (reserved ports move up to 0xffffff00 and above).</summary>
    public static uint ToOpenFlow11(uint port) => port < Max ? port : port + 0xffff0000;

    /// <summary>ofputil_port_from_ofp11: an OpenFlow 1.1+ port number as OVS holds it; one with no OpenFlow 1.0 equivalent is <see cref="None"/>.</summary>
    public static uint FromOpenFlow11(uint port) => port < Max ? port : port >= 0xffffff00 ? port - 0xffff0000 : None;
}
