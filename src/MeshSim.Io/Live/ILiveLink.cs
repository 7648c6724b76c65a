namespace MeshSim.Io.Live;

/// <summary>Called on the link's own thread for each frame the kernel hands over; the span is only valid during the call.</summary>
public delegate void LinkFrameHandler(ReadOnlySpan<byte> frame);

/// <summary>
/// The real side of a <see cref="LiveBridge"/>: a Linux interface that frames come from and go to.
/// Two kinds: an existing interface read with libpcap (<see cref="PcapLink"/>, a veth end) and a TAP
/// device the link owns (<see cref="TapLink"/>). The bridge does the counting and the hand-over to
/// the simulation thread, the link only moves bytes and says what the kernel counted.
/// </summary>
public interface ILiveLink : IDisposable
{
    /// <summary>The kernel's name of the interface.</summary>
    string InterfaceName { get; }

    /// <summary>Starts delivering frames to <paramref name="onFrame"/> on a thread of the link's.</summary>
    void Start(LinkFrameHandler onFrame);

    /// <summary>Sends one frame to the kernel; false (with the reason) when it refused it.</summary>
    bool TrySend(ReadOnlySpan<byte> frame, out string? error);

    /// <summary>Stops delivering; returns the frames that were waiting and are now dropped unread.</summary>
    long Stop();

    /// <summary>The kernel's count of frames it handed towards the link since it was opened (null where
    /// the kernel does not say), so frames lost before the link read them show up.</summary>
    long? KernelHandedOver();
}
