using System.Buffers.Binary;

namespace MeshSim.Engine.Capture;

/// <summary>
/// Writes a classic libpcap file with nanosecond timestamps (magic 0xa1b23c4d, little-endian,
/// link type 1 = Ethernet). Timestamps are virtual time plus <see cref="EpochNs"/>, so the same
/// simulation always yields the same bytes. Per frame it writes one 16-byte record header and the
/// frame, with no allocation.
/// </summary>
public sealed class PcapWriter : IDisposable
{
    /// <summary>Magic number of the nanosecond-resolution variant of the format.</summary>
    public const uint NanosecondMagic = 0xa1b23c4d;
    /// <summary>LINKTYPE_ETHERNET.</summary>
    public const uint LinkTypeEthernet = 1;
    /// <summary>Largest frame recorded whole; longer frames are truncated (none of MeshSim's are).</summary>
    public const int SnapLength = 262144;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private bool _disposed;

    /// <summary>Writes the file header to <paramref name="stream"/>.</summary>
    /// <param name="stream">Where the file goes (a FileStream, or a MemoryStream in tests).</param>
    /// <param name="epochNs">Unix time in ns that virtual time 0 maps to (default 1970-01-01, deterministic).</param>
    /// <param name="leaveOpen">Keep the stream open on Dispose.</param>
    public PcapWriter(Stream stream, long epochNs = 0, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (epochNs < 0) throw new ArgumentOutOfRangeException(nameof(epochNs), epochNs, "epoch must be >= 0 ns since 1970");
        _stream = stream;
        _leaveOpen = leaveOpen;
        EpochNs = epochNs;
        Span<byte> h = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(h, NanosecondMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 2);     // version 2.4
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(h[8..], 0);      // thiszone: timestamps are UTC
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], 0);    // sigfigs
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], SnapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], LinkTypeEthernet);
        _stream.Write(h);
    }

    /// <summary>Opens (creating or truncating) a pcap file.</summary>
    public static PcapWriter Create(string path, long epochNs = 0) =>
        new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1 << 16), epochNs);

    /// <summary>Unix time in ns of virtual time 0.</summary>
    public long EpochNs { get; }

    /// <summary>Records written so far.</summary>
    public long Records { get; private set; }

    /// <summary>Appends one frame seen at virtual time <paramref name="timeNs"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative time, or one past the format's 32-bit seconds (year 2106).</exception>
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    public void Write(long timeNs, ReadOnlySpan<byte> frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (timeNs < 0) throw new ArgumentOutOfRangeException(nameof(timeNs), timeNs, "capture time must be >= 0 ns");
        long t = EpochNs + timeNs;
        long seconds = t / 1_000_000_000;
        if (t < EpochNs || seconds > uint.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(timeNs), timeNs, "capture time does not fit pcap's 32-bit seconds field");
        int captured = Math.Min(frame.Length, SnapLength);
        Span<byte> h = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(h, (uint)seconds);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)(t % 1_000_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], (uint)captured);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], (uint)frame.Length);
        _stream.Write(h);
        _stream.Write(frame[..captured]);
        Records++;
    }

    /// <summary>Pushes buffered bytes to the underlying stream.</summary>
    public void Flush() => _stream.Flush();

    /// <summary>Flushes and closes the stream (unless it was left open).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stream.Flush();
        if (!_leaveOpen) _stream.Dispose();
    }
}
