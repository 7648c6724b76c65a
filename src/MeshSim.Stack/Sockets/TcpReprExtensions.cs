using MeshSim.Wire;

namespace MeshSim.Stack.Sockets;

/// <summary>Shorthands over <see cref="TcpRepr"/> so the state machine reads like RFC 9293's prose.</summary>
internal static class TcpReprExtensions
{
    /// <summary>True when all of <paramref name="f"/> are set.</summary>
    public static bool Has(this in TcpRepr r, TcpFlags f) => (r.Flags & f) == f;

    /// <summary>Sequence space the segment occupies: payload plus one each for SYN and FIN.</summary>
    public static int SegmentLength(this in TcpRepr r, int payloadLength) =>
        payloadLength + ((r.Flags & TcpFlags.Syn) != 0 ? 1 : 0) + ((r.Flags & TcpFlags.Fin) != 0 ? 1 : 0);
}
