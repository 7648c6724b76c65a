using MeshSim.Wire;

namespace MeshSim.Stack.Sockets;

/// <summary>
/// Initial sequence numbers as RFC 6528 and Linux's <c>secure_tcp_seq</c> make them: a keyed hash
/// of the 4-tuple plus a clock that ticks every 64 ns. Successive connections on one 4-tuple
/// therefore start further along the sequence space, which is what lets a server in TIME_WAIT
/// tell a new SYN from an old duplicate (RFC 1122 4.2.2.13, <see cref="TcpSocket.TimeWaitAcceptsSyn"/>).
/// </summary>
internal sealed class IsnGenerator(ulong secret)
{
    /// <summary>The ISN for a connection opened at <paramref name="nowNs"/> (virtual time).</summary>
    public uint Next(Ipv4Address local, ushort localPort, Ipv4Address remote, ushort remotePort, long nowNs)
    {
        // Any keyed mix works as long as it is deterministic (string.GetHashCode is randomised per process).
        ulong x = secret ^ ((ulong)local.Value << 32 | remote.Value);
        x = Mix(x ^ ((ulong)localPort << 16 | remotePort));
        return (uint)x + (uint)(nowNs >> 6);
    }

    /// <summary>The offset added to the millisecond clock in this host's TCP timestamps towards
    /// <paramref name="remote"/> (Linux's <c>secure_tcp_ts_off</c>): keyed by the address pair only,
    /// so a new connection between the same hosts continues the old one's TSval sequence and PAWS
    /// and TIME_WAIT reuse see timestamps that only grow.</summary>
    public uint TimestampOffset(Ipv4Address local, Ipv4Address remote) =>
        (uint)Mix(~secret ^ ((ulong)local.Value << 32 | remote.Value));

    private static ulong Mix(ulong z)   // splitmix64's finaliser
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
