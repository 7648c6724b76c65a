using System.Buffers.Binary;

namespace MeshSim.Wire;

/// <summary>
/// The TCP options MeshSim interprets: MSS (kind 2), window scale (3), SACK-permitted (4), SACK
/// blocks (5) and timestamps (8). Other kinds (MD5, fast open, …) are skipped by their length byte.
/// </summary>
/// <param name="MaxSegmentSize">MSS, when present (SYN only).</param>
/// <param name="WindowScale">Window scale shift count, when present (SYN only).</param>
/// <param name="SackPermitted">SACK-permitted present.</param>
/// <param name="Timestamp">TSval and TSecr, when present.</param>
/// <param name="Sack">SACK blocks (RFC 2018), when present (Count 0 = none).</param>
public readonly record struct TcpOptions(
    ushort? MaxSegmentSize = null,
    byte? WindowScale = null,
    bool SackPermitted = false,
    (uint Value, uint EchoReply)? Timestamp = null,
    TcpSackBlocks Sack = default)
{
    /// <summary>No options.</summary>
    public static readonly TcpOptions None = default;

    private const byte EndOfList = 0, NoOperation = 1, Mss = 2, WScale = 3, SackOk = 4, SackBlocks = 5, Timestamps = 8;

    /// <summary>Reads an option list (the bytes between the fixed header and the data offset).
    /// Errors are offsets into <paramref name="options"/>; add 20 for header offsets
    /// (<see cref="WireError.At"/>). A known kind with the wrong length, a length below 2 or one
    /// running past the list is an error.</summary>
    public static bool TryParse(ReadOnlySpan<byte> options, out TcpOptions parsed, out WireError error)
    {
        parsed = default;
        ushort? mss = null; byte? ws = null; bool sack = false; (uint, uint)? ts = null;
        TcpSackBlocks blocks = default;
        int i = 0;
        while ((uint)i < (uint)options.Length)
        {
            byte kind = options[i];
            if (kind == EndOfList) break;
            if (kind == NoOperation) { i++; continue; }
            if (i + 1 >= options.Length) { error = WireError.Truncated(i, 2, options.Length - i, "tcp.option.length"); return false; }
            int len = options[i + 1];
            if (len < 2) { error = WireError.BadField(i + 1, "tcp.option.length (expected >= 2)"); return false; }
            if (i + len > options.Length) { error = WireError.Truncated(i, len, options.Length - i, "tcp.option"); return false; }
            var body = options.Slice(i + 2, len - 2);
            switch (kind)
            {
                case Mss when len == 4: mss = BinaryPrimitives.ReadUInt16BigEndian(body); break;
                case WScale when len == 3: ws = body[0]; break;
                case SackOk when len == 2: sack = true; break;
                case Timestamps when len == 10:
                    ts = (BinaryPrimitives.ReadUInt32BigEndian(body), BinaryPrimitives.ReadUInt32BigEndian(body[4..])); break;
                case SackBlocks when len >= 10 && (len - 2) % 8 == 0 && len <= 2 + 8 * TcpSackBlocks.MaxBlocks:
                    blocks = default;
                    for (int b = 0; b + 8 <= body.Length; b += 8)
                        blocks = blocks.Append(BinaryPrimitives.ReadUInt32BigEndian(body[b..]), BinaryPrimitives.ReadUInt32BigEndian(body[(b + 4)..]));
                    break;
                case SackBlocks: error = WireError.BadField(i + 1, "tcp.option.sack.length (expected 2 + 8n, n = 1..4)"); return false;
                case Mss: error = WireError.BadField(i + 1, "tcp.option.mss.length (expected 4)"); return false;
                case WScale: error = WireError.BadField(i + 1, "tcp.option.wscale.length (expected 3)"); return false;
                case SackOk: error = WireError.BadField(i + 1, "tcp.option.sack_perm.length (expected 2)"); return false;
                case Timestamps: error = WireError.BadField(i + 1, "tcp.option.timestamp.length (expected 10)"); return false;
            }
            i += len;
        }
        parsed = new TcpOptions(mss, ws, sack, ts, blocks);
        error = default;
        return true;
    }

    /// <summary>Bytes <see cref="Emit"/> writes (a multiple of 4).</summary>
    public int Length =>
        (MaxSegmentSize.HasValue ? 4 : 0) + (Timestamp.HasValue ? 12 : SackPermitted ? 4 : 0) + (WindowScale.HasValue ? 4 : 0)
        + Sack.WireLength;

    /// <summary>Writes the options in Linux's layout (tcp_options_write), padded with NOPs to 4-byte
    /// words: MSS; SACK-permitted + timestamps (or NOP NOP + timestamps, or NOP NOP + SACK-permitted);
    /// NOP + window scale; NOP NOP + SACK blocks. Captured Linux segments therefore round-trip byte
    /// for byte.</summary>
    public int Emit(Span<byte> buffer)
    {
        int i = 0;
        if (MaxSegmentSize is ushort mss)
        {
            buffer[i] = Mss; buffer[i + 1] = 4; BinaryPrimitives.WriteUInt16BigEndian(buffer[(i + 2)..], mss); i += 4;
        }
        if (Timestamp is (uint val, uint ecr))
        {
            if (SackPermitted) { buffer[i] = SackOk; buffer[i + 1] = 2; }
            else { buffer[i] = NoOperation; buffer[i + 1] = NoOperation; }
            buffer[i + 2] = Timestamps; buffer[i + 3] = 10;
            BinaryPrimitives.WriteUInt32BigEndian(buffer[(i + 4)..], val);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[(i + 8)..], ecr);
            i += 12;
        }
        else if (SackPermitted)
        {
            buffer[i] = NoOperation; buffer[i + 1] = NoOperation; buffer[i + 2] = SackOk; buffer[i + 3] = 2; i += 4;
        }
        if (WindowScale is byte ws)
        {
            buffer[i] = NoOperation; buffer[i + 1] = WScale; buffer[i + 2] = 3; buffer[i + 3] = ws; i += 4;
        }
        if (Sack.Count > 0)
        {
            buffer[i] = NoOperation; buffer[i + 1] = NoOperation; buffer[i + 2] = SackBlocks; buffer[i + 3] = (byte)(2 + 8 * Sack.Count);
            i += 4;
            for (int b = 0; b < Sack.Count; b++)
            {
                var (left, right) = Sack[b];
                BinaryPrimitives.WriteUInt32BigEndian(buffer[i..], left);
                BinaryPrimitives.WriteUInt32BigEndian(buffer[(i + 4)..], right);
                i += 8;
            }
        }
        return i;
    }
}
