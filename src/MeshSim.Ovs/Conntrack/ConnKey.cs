namespace MeshSim.Ovs.Conntrack;

/// <summary>
/// One direction of a connection as lib/conntrack.c keys it (struct conn_key): addresses, ports
/// (for ICMP: the echo id on both sides plus the type and its reply type), protocol and zone.
/// </summary>
public readonly record struct ConnKey(
    uint Src, uint Dst, ushort SrcPort, ushort DstPort, byte SrcIcmpType, byte DstIcmpType, byte Proto, ushort Zone)
{
    /// <summary>The same connection seen from the other side.</summary>
    public ConnKey Reverse() => new(Dst, Src, DstPort, SrcPort, DstIcmpType, SrcIcmpType, Proto, Zone);

    /// <summary>Deterministic hash (never <see cref="HashCode"/>, so dictionary order is stable).</summary>
    public override int GetHashCode()
    {
        ulong h = ((ulong)Src << 32) | Dst;
        h ^= ((ulong)SrcPort << 48) | ((ulong)DstPort << 32) | ((ulong)SrcIcmpType << 24) | ((ulong)DstIcmpType << 16) | ((ulong)Proto << 8);
        h ^= (ulong)Zone << 4;
        h *= 0x9E3779B97F4A7C15UL;
        return (int)(h ^ (h >> 32));
    }

    /// <summary>"tcp,orig=(src=..,dst=..,sport=..,dport=..),zone=N" style, for dumps and traces.</summary>
    public string FormatTuple() => Proto == 1
        ? $"src={Ipv4(Src)},dst={Ipv4(Dst)},id={SrcPort},type={SrcIcmpType},code=0"
        : $"src={Ipv4(Src)},dst={Ipv4(Dst)},sport={SrcPort},dport={DstPort}";

    internal static string Ipv4(uint a) => $"{a >> 24}.{(a >> 16) & 0xFF}.{(a >> 8) & 0xFF}.{a & 0xFF}";
}
