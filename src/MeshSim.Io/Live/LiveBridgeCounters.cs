namespace MeshSim.Io.Live;

/// <summary>
/// What a <see cref="LiveBridge"/> did with the frames its interface received, and with the frames
/// the simulation gave it. Every received frame is in exactly one bucket:
/// <c>Received = CaptureLoss + Seen</c> and <c>Seen = Captured + InboxDrops + OversizeDrops + Undelivered</c>.
/// </summary>
/// <param name="Received">Frames the interface received since the bridge opened it (the kernel's rx_packets).</param>
/// <param name="CaptureLoss">Received frames libpcap never handed over: its capture ring overflowed (libpcap's own
/// drop counter misses these), or they were still in the ring at the stop.</param>
/// <param name="Seen">Frames libpcap handed to the bridge.</param>
/// <param name="Captured">Frames delivered into the simulation.</param>
/// <param name="InboxDrops">Frames dropped because the simulation thread's inbox was full.</param>
/// <param name="OversizeDrops">Frames larger than the simulation's frame limit.</param>
/// <param name="Undelivered">Frames still queued for the simulation, or unread in the ring, when the bridge stopped.</param>
/// <param name="Injected">Frames the simulation sent out on the interface.</param>
/// <param name="InjectErrors">Frames libpcap refused to send.</param>
public readonly record struct LiveBridgeCounters(long Received, long CaptureLoss, long Seen, long Captured, long InboxDrops,
                                                 long OversizeDrops, long Undelivered, long Injected, long InjectErrors)
{
    /// <summary>Received frames that never entered the simulation, all causes together.</summary>
    public long Lost => CaptureLoss + InboxDrops + OversizeDrops + Undelivered;

    /// <inheritdoc/>
    public override string ToString() =>
        $"received {Received}, captured {Captured}, lost {Lost} (capture ring {CaptureLoss}, inbox {InboxDrops}, oversize {OversizeDrops}, undelivered {Undelivered}); injected {Injected}, inject errors {InjectErrors}";
}
