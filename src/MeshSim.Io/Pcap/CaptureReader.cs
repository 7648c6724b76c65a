using System.Buffers.Binary;

namespace MeshSim.Io.Pcap;

/// <summary>One frame read from a capture file.</summary>
/// <param name="Index">1-based frame number, as Wireshark counts.</param>
/// <param name="TimestampNs">Capture time in nanoseconds since the Unix epoch (or since the simulation start for MeshSim's captures).</param>
/// <param name="Data">The captured bytes (possibly cut at the snap length).</param>
/// <param name="OriginalLength">The frame's length on the wire.</param>
/// <param name="Interface">pcapng interface id (0 for classic pcap).</param>
/// <param name="FileOffset">Byte offset of the record in the file, for messages.</param>
public sealed record CapturedFrame(int Index, long TimestampNs, byte[] Data, int OriginalLength, int Interface, long FileOffset)
{
    /// <summary>True when the capture kept fewer bytes than were on the wire.</summary>
    public bool IsCut => Data.Length < OriginalLength;
}

/// <summary>How a capture file ends early, in the two cases Wireshark's readers tell apart.</summary>
public enum CaptureCut
{
    /// <summary>The file is not cut short (the problem is something else).</summary>
    None,
    /// <summary>The file ends inside a packet record or block (wiretap's WTAP_ERR_SHORT_READ on a record).</summary>
    InPacket,
    /// <summary>The file ends inside the file header, before any packet could start.</summary>
    InHeader,
}

/// <summary>A problem in a capture file: where (byte offset) and what; <see cref="Cut"/> says whether
/// it is the file ending early, which readers such as tshark report in words of their own.</summary>
public sealed record CaptureProblem(long FileOffset, string Message, CaptureCut Cut = CaptureCut.None)
{
    /// <inheritdoc/>
    public override string ToString() => $"byte {FileOffset}: {Message}";
}

/// <summary>
/// Reads classic pcap (microsecond and nanosecond magic, either byte order) and pcapng (SHB, IDB
/// with if_tsresol, EPB, SPB; other blocks skipped; either byte order, several sections) from memory.
/// It never throws on bad bytes: frames before a problem are returned, the problem is reported with
/// its byte offset, and reading stops only where the structure cannot be followed any more.
/// Only Ethernet link types are accepted (LINKTYPE_ETHERNET = 1), since switches take Ethernet frames.
/// </summary>
public static class CaptureReader
{
    private const uint PcapMagicMicro = 0xa1b2c3d4, PcapMagicNano = 0xa1b23c4d;
    private const uint NgSectionHeader = 0x0a0d0d0a, NgByteOrderMagic = 0x1a2b3c4d;
    private const uint NgInterface = 1, NgSimplePacket = 3, NgEnhancedPacket = 6;
    private const int LinkTypeEthernet = 1;

    /// <summary>What a read produced: the frames and the problems, in file order.</summary>
    public sealed record Result(IReadOnlyList<CapturedFrame> Frames, IReadOnlyList<CaptureProblem> Problems);

    /// <summary>Reads a file.</summary>
    public static Result ReadFile(string path) => Read(File.ReadAllBytes(path));

    /// <summary>Reads a whole capture held in memory.</summary>
    public static Result Read(ReadOnlySpan<byte> file)
    {
        var frames = new List<CapturedFrame>();
        var problems = new List<CaptureProblem>();
        if (file.Length < 4)
        {
            problems.Add(new CaptureProblem(0, $"file of {file.Length} bytes is too short for a capture header", CaptureCut.InHeader));
            return new Result(frames, problems);
        }
        uint magicLe = BinaryPrimitives.ReadUInt32LittleEndian(file);
        if (magicLe == NgSectionHeader) ReadPcapng(file, frames, problems);
        else if (magicLe is PcapMagicMicro or PcapMagicNano || BinaryPrimitives.ReverseEndianness(magicLe) is PcapMagicMicro or PcapMagicNano)
            ReadPcap(file, frames, problems);
        else problems.Add(new CaptureProblem(0, $"unknown magic 0x{magicLe:x8}: expected a pcap (a1b2c3d4/a1b23c4d) or pcapng (0a0d0d0a) file"));
        return new Result(frames, problems);
    }

    private static void ReadPcap(ReadOnlySpan<byte> file, List<CapturedFrame> frames, List<CaptureProblem> problems)
    {
        if (file.Length < 24) { problems.Add(new CaptureProblem(0, $"pcap global header needs 24 bytes, file has {file.Length}", CaptureCut.InHeader)); return; }
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(file);
        bool little = magic is PcapMagicMicro or PcapMagicNano;
        bool nano = (little ? magic : BinaryPrimitives.ReverseEndianness(magic)) == PcapMagicNano;
        uint linkType = U32(file[20..], little) & 0x0FFF_FFFF;
        if (linkType != LinkTypeEthernet) { problems.Add(new CaptureProblem(20, $"link type {linkType} is not Ethernet (1)")); return; }
        long offset = 24;
        int index = 0;
        while (offset < file.Length)
        {
            if (file.Length - offset < 16) { problems.Add(new CaptureProblem(offset, $"record header needs 16 bytes, {file.Length - offset} left", CaptureCut.InPacket)); return; }
            var h = file[(int)offset..];
            uint sec = U32(h, little), frac = U32(h[4..], little), incl = U32(h[8..], little), orig = U32(h[12..], little);
            if (incl > 262_144) { problems.Add(new CaptureProblem(offset + 8, $"captured length {incl} exceeds the 262144-byte limit")); return; }
            if (file.Length - offset - 16 < incl) { problems.Add(new CaptureProblem(offset, $"record of {incl} bytes is cut off: {file.Length - offset - 16} bytes left", CaptureCut.InPacket)); return; }
            if (!nano && frac >= 1_000_000) problems.Add(new CaptureProblem(offset + 4, $"microseconds field {frac} is not below 1000000"));
            long ts = sec * 1_000_000_000L + (nano ? frac : frac * 1000L);
            frames.Add(new CapturedFrame(++index, ts, h.Slice(16, (int)incl).ToArray(), (int)Math.Max(orig, incl), 0, offset));
            offset += 16 + incl;
        }
    }

    private static void ReadPcapng(ReadOnlySpan<byte> file, List<CapturedFrame> frames, List<CaptureProblem> problems)
    {
        long offset = 0;
        bool little = true;
        var tsDivisor = new List<(long Units, bool Ethernet)>();   // per interface: ticks per second
        int index = 0;
        while (offset < file.Length)
        {
            if (file.Length - offset < 12) { problems.Add(new CaptureProblem(offset, $"block header needs 12 bytes, {file.Length - offset} left", offset == 0 ? CaptureCut.InHeader : CaptureCut.InPacket)); return; }
            var b = file[(int)offset..];
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(b);
            if (type == NgSectionHeader)
            {
                uint bom = BinaryPrimitives.ReadUInt32LittleEndian(b[8..]);
                if (bom == NgByteOrderMagic) little = true;
                else if (BinaryPrimitives.ReverseEndianness(bom) == NgByteOrderMagic) little = false;
                else { problems.Add(new CaptureProblem(offset + 8, $"byte-order magic 0x{bom:x8} is neither 1a2b3c4d nor 4d3c2b1a")); return; }
                tsDivisor.Clear();   // interface ids are per section
            }
            else type = U32(b, little);
            uint length = U32(b[4..], little);
            if (length < 12 || length % 4 != 0) { problems.Add(new CaptureProblem(offset + 4, $"block length {length} is not a multiple of 4 of at least 12")); return; }
            if (length > file.Length - offset) { problems.Add(new CaptureProblem(offset, $"block of {length} bytes is cut off: {file.Length - offset} bytes left", offset == 0 ? CaptureCut.InHeader : CaptureCut.InPacket)); return; }
            if (U32(b[(int)(length - 4)..], little) != length) { problems.Add(new CaptureProblem(offset + length - 4, $"trailing block length does not repeat {length}")); return; }
            var body = b.Slice(8, (int)length - 12);
            switch (type)
            {
                case NgInterface:
                    if (body.Length < 8) { problems.Add(new CaptureProblem(offset, "interface block body shorter than 8 bytes")); return; }
                    tsDivisor.Add((InterfaceResolution(body[8..], little), U16(body, little) == LinkTypeEthernet));
                    break;
                case NgEnhancedPacket:
                {
                    if (body.Length < 20) { problems.Add(new CaptureProblem(offset, "enhanced packet block body shorter than 20 bytes")); break; }
                    uint iface = U32(body, little), hi = U32(body[4..], little), lo = U32(body[8..], little), incl = U32(body[12..], little), orig = U32(body[16..], little);
                    if (iface >= tsDivisor.Count) { problems.Add(new CaptureProblem(offset + 8, $"packet names interface {iface}, but only {tsDivisor.Count} were described")); break; }
                    if (incl > body.Length - 20) { problems.Add(new CaptureProblem(offset + 20, $"captured length {incl} exceeds the block ({body.Length - 20} bytes)")); break; }
                    if (!tsDivisor[(int)iface].Ethernet) { problems.Add(new CaptureProblem(offset, $"interface {iface} is not Ethernet; frame skipped")); break; }
                    ulong ticks = ((ulong)hi << 32) | lo;
                    long units = tsDivisor[(int)iface].Units;
                    long ts = units == 1_000_000_000 ? (long)ticks : (long)((UInt128)ticks * 1_000_000_000 / (ulong)units);
                    frames.Add(new CapturedFrame(++index, ts, body.Slice(20, (int)incl).ToArray(), (int)Math.Max(orig, incl), (int)iface, offset));
                    break;
                }
                case NgSimplePacket:
                {
                    if (tsDivisor.Count == 0) { problems.Add(new CaptureProblem(offset, "simple packet before any interface block")); break; }
                    if (body.Length < 4) { problems.Add(new CaptureProblem(offset, "simple packet block body shorter than 4 bytes")); break; }
                    uint orig = U32(body, little);
                    int incl = (int)Math.Min(orig, (uint)(body.Length - 4));
                    frames.Add(new CapturedFrame(++index, 0, body.Slice(4, incl).ToArray(), (int)orig, 0, offset));
                    break;
                }
            }
            offset += length;
        }
    }

    /// <summary>Ticks per second from the if_tsresol option (code 9); default microseconds.</summary>
    private static long InterfaceResolution(ReadOnlySpan<byte> options, bool little)
    {
        while (options.Length >= 4)
        {
            ushort code = U16(options, little), len = U16(options[2..], little);
            if (code == 0) break;
            if (options.Length < 4 + len) break;
            if (code == 9 && len >= 1)
            {
                byte r = options[4];
                int exp = r & 0x7F;
                if ((r & 0x80) == 0 && exp <= 18) return (long)Math.Pow(10, exp);
                if ((r & 0x80) != 0 && exp <= 62) return 1L << exp;
            }
            int next = 4 + ((len + 3) & ~3);
            if (next > options.Length) break;
            options = options[next..];
        }
        return 1_000_000;
    }

    private static uint U32(ReadOnlySpan<byte> b, bool little) => little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);
    private static ushort U16(ReadOnlySpan<byte> b, bool little) => little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);
}
