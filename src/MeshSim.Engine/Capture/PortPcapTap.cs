namespace MeshSim.Engine.Capture;

/// <summary>
/// Captures one port into a classic pcap, like tcpdump on that interface (or ns-3's per-device
/// pcap): frames the port sends, stamped when they start onto the wire, and frames it receives,
/// stamped when they arrive. Attach it to the port's link with <see cref="Link.AddTap"/>.
/// </summary>
public sealed class PortPcapTap : IFrameTap, IDisposable
{
    /// <summary>Captures <paramref name="port"/> into <paramref name="writer"/>; the tap owns the writer.</summary>
    public PortPcapTap(Port port, PcapWriter writer)
    {
        ArgumentNullException.ThrowIfNull(port);
        ArgumentNullException.ThrowIfNull(writer);
        Port = port;
        Writer = writer;
    }

    /// <summary>The captured port.</summary>
    public Port Port { get; }

    /// <summary>The file being written.</summary>
    public PcapWriter Writer { get; }

    /// <inheritdoc/>
    public void OnFrame(long timeNs, Port port, TapDirection direction, ReadOnlySpan<byte> frame)
    {
        if (ReferenceEquals(port, Port)) Writer.Write(timeNs, frame);
    }

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose() => Writer.Dispose();
}
