namespace MeshSim.Stack.Sockets;

/// <summary>Per-connection counters (what `ss -ti` would show).</summary>
public sealed class TcpStats
{
    /// <summary>Segments emitted, including retransmissions and pure ACKs.</summary>
    public long SegmentsSent;
    /// <summary>Segments accepted by the state machine.</summary>
    public long SegmentsReceived;
    /// <summary>Data segments sent again (timeout or fast retransmit).</summary>
    public long Retransmissions;
    /// <summary>Retransmission timer expiries.</summary>
    public long Timeouts;
    /// <summary>Fast retransmits triggered by three duplicate ACKs.</summary>
    public long FastRetransmits;
    /// <summary>Duplicate ACKs received.</summary>
    public long DuplicateAcks;
    /// <summary>Segments outside the receive window (answered with an ACK, then dropped).</summary>
    public long OutOfWindow;
    /// <summary>Out-of-order segments refused because the reassembly table was full.</summary>
    public long ReassemblyOverflow;
    /// <summary>Bytes the peer newly reported holding in SACK blocks.</summary>
    public long SackedBytes;
    /// <summary>Segments dropped by PAWS (timestamp older than TS.Recent) and answered with an ACK.</summary>
    public long PawsRejected;
    /// <summary>Zero-window probes sent (bare ACKs below SND.UNA while the peer's window is closed).</summary>
    public long ZeroWindowProbes;
    /// <summary>Payload bytes delivered in order to the receive buffer.</summary>
    public long BytesReceived;
    /// <summary>Payload bytes acknowledged by the peer.</summary>
    public long BytesAcked;
}
