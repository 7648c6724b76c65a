using System.Buffers.Binary;
using System.Text;

namespace MeshSim.Engine.Capture;

/// <summary>
/// Writes a pcapng file (little-endian, one section): a section header, interface description
/// blocks added with <see cref="AddInterface"/> (Ethernet, nanosecond resolution), and enhanced
/// packet blocks. Timestamps are virtual time plus <see cref="EpochNs"/>; output depends on nothing
/// else (no host name, OS or wall clock), so the same simulation yields the same bytes.
/// </summary>
public sealed class PcapNgWriter : IDisposable
{
    private const uint SectionHeaderBlock = 0x0A0D0D0A, InterfaceDescriptionBlock = 1, EnhancedPacketBlock = 6;
    private const uint ByteOrderMagic = 0x1A2B3C4D;
    private const ushort OptEnd = 0, OptShbUserAppl = 4, OptIfName = 2, OptIfDescription = 3, OptIfTsResol = 9, OptEpbFlags = 2;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private int _interfaces;
    private bool _disposed;

    /// <summary>Writes the section header block to <paramref name="stream"/>.</summary>
    /// <param name="stream">Where the file goes.</param>
    /// <param name="epochNs">Unix time in ns that virtual time 0 maps to (default 1970-01-01, deterministic).</param>
    /// <param name="leaveOpen">Keep the stream open on Dispose.</param>
    public PcapNgWriter(Stream stream, long epochNs = 0, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (epochNs < 0) throw new ArgumentOutOfRangeException(nameof(epochNs), epochNs, "epoch must be >= 0 ns since 1970");
        _stream = stream;
        _leaveOpen = leaveOpen;
        EpochNs = epochNs;
        var block = new BlockBuilder(SectionHeaderBlock);
        block.UInt32(ByteOrderMagic);
        block.UInt16(1);                 // major version
        block.UInt16(0);                 // minor version
        block.Int64(-1);                 // section length: not specified
        block.StringOption(OptShbUserAppl, "MeshSim");
        block.EndOptions();
        block.WriteTo(_stream);
    }

    /// <summary>Opens (creating or truncating) a pcapng file.</summary>
    public static PcapNgWriter Create(string path, long epochNs = 0) =>
        new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1 << 16), epochNs);

    /// <summary>Unix time in ns of virtual time 0.</summary>
    public long EpochNs { get; }

    /// <summary>Interfaces described so far; ids are 0..InterfaceCount-1 in the order they were added.</summary>
    public int InterfaceCount => _interfaces;

    /// <summary>Packets written so far.</summary>
    public long Packets { get; private set; }

    /// <summary>Describes an Ethernet interface with nanosecond timestamps; returns its id for <see cref="Write"/>.</summary>
    public int AddInterface(string name, string? description = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var block = new BlockBuilder(InterfaceDescriptionBlock);
        block.UInt16((ushort)PcapWriter.LinkTypeEthernet);
        block.UInt16(0);                 // reserved
        block.UInt32(PcapWriter.SnapLength);
        block.StringOption(OptIfName, name);
        if (!string.IsNullOrEmpty(description)) block.StringOption(OptIfDescription, description);
        block.ByteOption(OptIfTsResol, 9);   // 10^-9 s: timestamps are in nanoseconds
        block.EndOptions();
        block.WriteTo(_stream);
        return _interfaces++;
    }

    /// <summary>Appends an enhanced packet block for a frame seen on <paramref name="interfaceId"/> at
    /// virtual time <paramref name="timeNs"/>. <paramref name="direction"/>, when given, is recorded in
    /// epb_flags (inbound/outbound relative to that interface).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An unknown interface id or a negative time.</exception>
    public void Write(int interfaceId, long timeNs, ReadOnlySpan<byte> frame, TapDirection? direction = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((uint)interfaceId >= (uint)_interfaces)
            throw new ArgumentOutOfRangeException(nameof(interfaceId), interfaceId, $"interface id must be 0..{_interfaces - 1} (add interfaces first)");
        if (timeNs < 0 || EpochNs + timeNs < EpochNs)
            throw new ArgumentOutOfRangeException(nameof(timeNs), timeNs, "capture time must be >= 0 ns and fit 64 bits with the epoch");
        int captured = Math.Min(frame.Length, PcapWriter.SnapLength);
        int padded = (captured + 3) & ~3;
        int optionsLength = direction is null ? 0 : 8 + 4;    // epb_flags (4+4) + opt_endofopt (4)
        int total = 28 + padded + optionsLength + 4;
        ulong t = (ulong)(EpochNs + timeNs);

        Span<byte> h = stackalloc byte[28];
        BinaryPrimitives.WriteUInt32LittleEndian(h, EnhancedPacketBlock);
        BinaryPrimitives.WriteInt32LittleEndian(h[4..], total);
        BinaryPrimitives.WriteInt32LittleEndian(h[8..], interfaceId);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], (uint)(t >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], (uint)t);
        BinaryPrimitives.WriteInt32LittleEndian(h[20..], captured);
        BinaryPrimitives.WriteInt32LittleEndian(h[24..], frame.Length);
        _stream.Write(h);
        _stream.Write(frame[..captured]);

        Span<byte> tail = stackalloc byte[3 + 12 + 4];
        tail.Clear();
        int n = padded - captured;                            // zero padding to 32 bits
        if (direction is { } d)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(tail[n..], OptEpbFlags);
            BinaryPrimitives.WriteUInt16LittleEndian(tail[(n + 2)..], 4);
            BinaryPrimitives.WriteUInt32LittleEndian(tail[(n + 4)..], d == TapDirection.Receive ? 1u : 2u); // bits 0-1: 01 inbound, 10 outbound
            n += 12;                                          // flags option + opt_endofopt (already zero)
        }
        BinaryPrimitives.WriteInt32LittleEndian(tail[n..], total);
        _stream.Write(tail[..(n + 4)]);
        Packets++;
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

    /// <summary>Assembles a header or interface block (rare, so a MemoryStream is fine) with its
    /// length fields and 32-bit padded options.</summary>
    private sealed class BlockBuilder
    {
        private readonly MemoryStream _body = new();
        private readonly uint _type;

        public BlockBuilder(uint type) => _type = type;

        public void UInt16(ushort v) { Span<byte> b = stackalloc byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, v); _body.Write(b); }
        public void UInt32(uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); _body.Write(b); }
        public void Int64(long v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteInt64LittleEndian(b, v); _body.Write(b); }

        public void StringOption(ushort code, string value) => Option(code, Encoding.UTF8.GetBytes(value));
        public void ByteOption(ushort code, byte value) => Option(code, [value]);
        public void EndOptions() { UInt16(OptEnd); UInt16(0); }

        private void Option(ushort code, byte[] value)
        {
            if (value.Length > ushort.MaxValue) throw new ArgumentException($"pcapng option {code} longer than 65535 bytes");
            UInt16(code);
            UInt16((ushort)value.Length);
            _body.Write(value);
            for (int i = value.Length; (i & 3) != 0; i++) _body.WriteByte(0);
        }

        public void WriteTo(Stream stream)
        {
            int total = 12 + (int)_body.Length;
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(b, _type);
            BinaryPrimitives.WriteInt32LittleEndian(b[4..], total);
            stream.Write(b);
            stream.Write(_body.GetBuffer().AsSpan(0, (int)_body.Length));
            stream.Write(b.Slice(4, 4));
        }
    }
}
