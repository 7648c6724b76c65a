namespace MeshSim.Stack.Sockets;

/// <summary>Connection states of RFC 9293 3.3.2.</summary>
public enum TcpState : byte
{
    /// <summary>No connection.</summary>
    Closed,
    /// <summary>Waiting for a SYN (listeners only).</summary>
    Listen,
    /// <summary>SYN sent, waiting for SYN-ACK.</summary>
    SynSent,
    /// <summary>SYN received and SYN-ACK sent, waiting for the ACK.</summary>
    SynReceived,
    /// <summary>Open: data flows both ways.</summary>
    Established,
    /// <summary>We closed; our FIN is not yet acknowledged.</summary>
    FinWait1,
    /// <summary>Our FIN is acknowledged; waiting for the peer's.</summary>
    FinWait2,
    /// <summary>The peer closed; we may still send.</summary>
    CloseWait,
    /// <summary>Both sent FIN at once; waiting for the ACK of ours.</summary>
    Closing,
    /// <summary>Peer closed first, then we did; waiting for the ACK of our FIN.</summary>
    LastAck,
    /// <summary>Waiting 2·MSL so stray segments of this connection die out.</summary>
    TimeWait,
}
