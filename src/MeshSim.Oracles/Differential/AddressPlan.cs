using MeshSim.Wire;

namespace MeshSim.Oracles.Differential;

/// <summary>
/// The addresses every generated case uses: host N (10.0.0.N, 02:00:00:00:00:0N) sits behind port
/// N; 10.0.0.100 is a virtual IP that the pipelines DNAT to a host; 10.0.9.1-10.0.9.2 is a SNAT pool.
/// Fixed so pipelines and packet sequences meet without knowing about each other.
/// </summary>
public static class AddressPlan
{
    /// <summary>Ports (and hosts) 1..N.</summary>
    public static int Hosts => DiffCase.PortCount;

    /// <summary>The virtual IP.</summary>
    public static readonly Ipv4Address Vip = Ipv4Address.Parse("10.0.0.100");

    /// <summary>The MAC clients send VIP traffic to.</summary>
    public static readonly MacAddress VipMac = MacAddress.Parse("02:00:00:00:00:64");

    /// <summary>The VIP's service ports: TCP 80, UDP 53.</summary>
    public const ushort VipTcpPort = 80, VipUdpPort = 53;

    /// <summary>The port DNAT rewrites the VIP's service port to.</summary>
    public const ushort BackendPort = 8080;

    /// <summary>IP of host <paramref name="n"/>.</summary>
    public static Ipv4Address Ip(int n) => new(0x0A000000u | (uint)n);

    /// <summary>MAC of host <paramref name="n"/>.</summary>
    public static MacAddress Mac(int n) => new(0x0200_0000_0000UL | (uint)n);

    /// <summary>Text of IP of host <paramref name="n"/>.</summary>
    public static string IpText(int n) => $"10.0.0.{n}";

    /// <summary>Text of MAC of host <paramref name="n"/>.</summary>
    public static string MacText(int n) => $"02:00:00:00:00:{n:x2}";
}
