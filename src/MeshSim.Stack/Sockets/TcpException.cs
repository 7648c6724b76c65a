namespace MeshSim.Stack.Sockets;

/// <summary>Why a connection failed, as an application sees it (the errno a Linux app would get).</summary>
public enum TcpError
{
    /// <summary>The peer answered our SYN with RST (ECONNREFUSED).</summary>
    ConnectionRefused,
    /// <summary>The peer reset an open connection (ECONNRESET).</summary>
    ConnectionReset,
    /// <summary>Retransmissions ran out (ETIMEDOUT).</summary>
    TimedOut,
    /// <summary>The socket was aborted locally or used after close.</summary>
    Aborted,
    /// <summary>No ephemeral port was free for this destination (EADDRNOTAVAIL).</summary>
    NoPortAvailable,
    /// <summary>No route or interface for the destination (ENETUNREACH).</summary>
    NetworkUnreachable,
}

/// <summary>A connection failure delivered to an awaiting application.</summary>
public sealed class TcpException(TcpError error, string message) : Exception(message)
{
    /// <summary>The failure kind.</summary>
    public TcpError Error { get; } = error;
}
