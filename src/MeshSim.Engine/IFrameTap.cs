namespace MeshSim.Engine;

/// <summary>Where on a link a tap saw a frame, from the point of view of the port it names.</summary>
public enum TapDirection
{
    /// <summary>The frame starts onto the wire at the sending port (time = start of serialisation).</summary>
    Transmit,
    /// <summary>The frame's last bit reached the receiving port (time = delivery to the node).</summary>
    Receive,
}

/// <summary>
/// Sees the exact bytes a link carries, like a capture on an interface: every frame once when it
/// starts onto the wire (<see cref="TapDirection.Transmit"/> at the sender) and once when it is
/// delivered (<see cref="TapDirection.Receive"/> at the receiver). A frame lost on the wire or
/// dropped at a full queue is never transmitted or received, so taps do not see it (observers do).
/// Taps are called inline on the simulation thread and must not keep the span.
/// </summary>
public interface IFrameTap
{
    /// <summary>Called with the frame's bytes. <paramref name="port"/> is the sender for
    /// <see cref="TapDirection.Transmit"/> and the receiver for <see cref="TapDirection.Receive"/>;
    /// its <see cref="Port.Link"/> is the link.</summary>
    void OnFrame(long timeNs, Port port, TapDirection direction, ReadOnlySpan<byte> frame);
}
