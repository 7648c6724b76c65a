using System.Buffers.Binary;
using System.Text;
using MeshSim.Wire;

namespace MeshSim.Stack.Tests.Kernel;

/// <summary>
/// One hand-driven connection from the probe (10.77.0.2:<see cref="SourcePort"/>) to the target,
/// and the transcript of what the target answered, in a form that two correct stacks share:
/// sequence numbers relative to the target's ISN, acknowledgments and SACK edges relative to the
/// probe's, option layout byte for byte (kinds, NOP padding, MSS and scale values, TSecr), windows
/// only as zero or not. TSvals are checked for what they must do (grow) rather than compared.
/// </summary>
internal sealed class Probe(ITcpTarget target, ushort targetPort, ushort sourcePort, uint isn = 100_000)
{
    public const long Ms = 1_000_000;
    private uint _tsval = 1000;

    public ushort SourcePort => sourcePort;
    public uint Isn => isn;
    /// <summary>The probe's next sequence number.</summary>
    public uint Nxt { get; set; } = isn;
    /// <summary>The target's ISN, once its SYN or SYN-ACK was seen.</summary>
    public uint? TargetIsn { get; private set; }
    /// <summary>The next sequence number expected from the target.</summary>
    public uint TargetNxt { get; set; }
    /// <summary>The target's last TSval, echoed as our TSecr.</summary>
    public uint TargetTs { get; private set; }
    /// <summary>Probe segments carry timestamps.</summary>
    public bool Timestamps { get; set; } = true;
    public List<string> Transcript { get; } = new();
    public List<Seen> Seen { get; } = new();

    /// <summary>Linux's own SYN options: MSS 1460, SACK-permitted, timestamps, NOP, window scale 7.</summary>
    public TcpOptions LinuxSynOptions() => new(MaxSegmentSize: 1460, WindowScale: 7, SackPermitted: true, Timestamp: (NextTs(), 0u));

    public uint NextTs() => _tsval++;

    public TcpOptions SegmentOptions(TcpSackBlocks sack = default) =>
        Timestamps ? new TcpOptions(Timestamp: (NextTs(), TargetTs), Sack: sack) : new TcpOptions(Sack: sack);

    public void Syn(TcpOptions options, ushort window = 64240, uint? seq = null)
    {
        target.Send(new TcpRepr(sourcePort, targetPort, seq ?? isn, 0, TcpFlags.Syn, window, options), default);
        Nxt = (seq ?? isn) + 1;
    }

    /// <summary>A segment with ACK = <see cref="TargetNxt"/> (unless told) from <see cref="Nxt"/>.</summary>
    public void Segment(TcpFlags flags, int length = 0, uint? seq = null, uint? ack = null, ushort window = 64240, TcpOptions? options = null)
    {
        uint s = seq ?? Nxt;
        var repr = new TcpRepr(sourcePort, targetPort, s, ack ?? TargetNxt, flags | TcpFlags.Ack, window, options ?? SegmentOptions());
        target.Send(repr, new byte[length]);
        uint end = s + (uint)length + ((flags & TcpFlags.Fin) != 0 ? 1u : 0u);
        if (seq is null && Seq(end, Nxt) > 0) Nxt = end;
    }

    /// <summary>Waits for the target's next segment, records it and returns it; fails after the timeout.</summary>
    public Seen Expect(string what, long timeoutNs = 2000 * Ms)
    {
        var s = target.Next(timeoutNs) ?? throw new Xunit.Sdk.XunitException($"{target.Name}: no segment ({what}) within {timeoutNs / Ms} ms; so far:\n{string.Join('\n', Transcript)}\n{target.Diagnose()}");
        Observe(s);
        return s;
    }

    /// <summary>Records everything the target sends during the next <paramref name="durationNs"/>.</summary>
    public List<Seen> Quiet(long durationNs)
    {
        var all = target.Collect(durationNs);
        foreach (var s in all) Observe(s);
        return all;
    }

    /// <summary>Handshake with Linux's SYN options; the SYN-ACK goes into the transcript.</summary>
    public void Open(ushort window = 64240, TcpOptions? options = null)
    {
        Syn(options ?? LinuxSynOptions(), window);
        Expect("SYN-ACK");
        Segment(TcpFlags.None, window: window);
    }

    private void Observe(Seen s)
    {
        var seg = s.Segment;
        if ((seg.Flags & TcpFlags.Syn) != 0) { TargetIsn = seg.SequenceNumber; TargetNxt = seg.SequenceNumber + 1; }
        if (seg.Options.Timestamp is (uint val, _))
        {
            if (Seen.LastOrDefault(x => x.Segment.Options.Timestamp.HasValue) is { } prev && (int)(val - prev.Segment.Options.Timestamp!.Value.Value) < 0)
                throw new Xunit.Sdk.XunitException($"{target.Name}: TSval went backwards ({prev.Segment.Options.Timestamp!.Value.Value} then {val})");
            TargetTs = val;
        }
        uint end = seg.SequenceNumber + (uint)s.PayloadLength + ((seg.Flags & (TcpFlags.Syn | TcpFlags.Fin)) != 0 ? 1u : 0u);
        if ((seg.Flags & TcpFlags.Rst) == 0 && TargetIsn is not null && Seq(end, TargetNxt) > 0) TargetNxt = end;
        Seen.Add(s);
        Transcript.Add(Describe(s));
    }

    /// <summary>"S. seq=0 ack=1 len=0 win=open opts=mss1460,sackOK,ts(ecr1000),nop,ws7".</summary>
    public string Describe(Seen s)
    {
        var seg = s.Segment;
        var b = new StringBuilder();
        b.Append(TcpView.FlagText(seg.Flags));
        b.Append(" seq=").Append(TargetIsn is uint t ? (seg.SequenceNumber - t).ToString() : "raw" + seg.SequenceNumber);
        b.Append(" ack=").Append((seg.Flags & TcpFlags.Ack) != 0 ? ((int)(seg.AcknowledgmentNumber - isn)).ToString() : "-");
        b.Append(" len=").Append(s.PayloadLength);
        b.Append(" win=").Append(seg.WindowSize == 0 ? "0" : "open");
        b.Append(" opts=").Append(Options(s.RawOptions));
        return b.ToString();
    }

    private string Options(byte[] o)
    {
        var parts = new List<string>();
        for (int i = 0; i < o.Length;)
        {
            byte kind = o[i];
            if (kind == 0) { parts.Add("eol"); break; }
            if (kind == 1) { parts.Add("nop"); i++; continue; }
            int len = o[i + 1];
            var body = o[(i + 2)..(i + len)];
            parts.Add(kind switch
            {
                2 => $"mss{BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan())}",
                3 => $"ws{body[0]}",
                4 => "sackOK",
                8 => $"ts(ecr{BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(4))})",
                5 => "sack(" + string.Join(',', Enumerable.Range(0, body.Length / 8).Select(k =>
                         $"{(int)(BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(8 * k)) - isn)}-{(int)(BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(8 * k + 4)) - isn)}")) + ")",
                _ => $"kind{kind}",
            });
            i += len;
        }
        return parts.Count == 0 ? "none" : string.Join(',', parts);
    }

    private static int Seq(uint a, uint b) => (int)(a - b);
}
