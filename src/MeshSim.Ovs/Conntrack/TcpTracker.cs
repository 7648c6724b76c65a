namespace MeshSim.Ovs.Conntrack;

/// <summary>TCP connection states per peer (ct_dpif_tcp_state order; comparisons rely on it).</summary>
public enum TcpPeerState : byte
{
    Closed, Listen, SynSent, SynRecv, Established, CloseWait, FinWait1, Closing, LastAck, FinWait2, TimeWait,
}

/// <summary>
/// The TCP state machine and sequence-window check of OVS's userspace conntrack
/// (lib/conntrack-tcp.c, itself from OpenBSD pf and Guido van Rooij's "Real Stateful TCP Packet
/// Filtering"). Each side remembers the highest sequence it sent (SeqLo), the highest sequence the
/// other side may send (SeqHi = their ack + window) and its largest window; a segment is valid when
/// it lies within the window, acknowledges nothing more than a window ahead, and a RST matches the
/// expected sequence exactly (±1).
/// </summary>
internal sealed partial class TcpTracker
{
    public const int MaxWindowScale = 14;
    public const byte WscaleFlag = 0x80, WscaleUnknown = 0x40, WscaleMask = 0x0F;
    private const int MaxAckWindow = 0xFFFF + 1500;

    public struct Peer
    {
        public uint SeqLo, SeqHi;
        public ushort MaxWin;
        public byte Wscale;
        public TcpPeerState State;
    }

    /// <summary>[0] the originator, [1] the responder.</summary>
    public readonly Peer[] Peers = new Peer[2];

    /// <summary>tcp_valid_new: flags must be sane, and SYN+ACK may not open a connection.</summary>
    public static bool ValidNew(ushort flags) =>
        !InvalidFlags(flags) && !((flags & TcpSegment.Syn) != 0 && (flags & TcpSegment.AckFlag) != 0);

    /// <summary>tcp_new_conn: the originator's initial state.</summary>
    public static (TcpTracker Tracker, CtTimeout Timeout) New(in TcpSegment seg)
    {
        var t = new TcpTracker();
        ref var src = ref t.Peers[0];
        ref var dst = ref t.Peers[1];
        src.SeqLo = seg.Seq;
        src.SeqHi = src.SeqLo + seg.PayloadLength + 1;
        if ((seg.Flags & TcpSegment.Syn) != 0)
        {
            src.SeqHi++;
            src.Wscale = seg.WindowScale;
        }
        else
        {
            src.Wscale = WscaleUnknown;
            dst.Wscale = WscaleUnknown;
        }
        src.MaxWin = Math.Max(seg.Window, (ushort)1);
        if ((src.Wscale & WscaleMask) != 0)
        {
            int sws = src.Wscale & WscaleMask;
            src.MaxWin = (ushort)DivRoundUp(src.MaxWin, 1u << sws);
        }
        if ((seg.Flags & TcpSegment.Fin) != 0) src.SeqHi++;
        dst.SeqHi = 1;
        dst.MaxWin = 1;
        src.State = TcpPeerState.SynSent;
        dst.State = TcpPeerState.Closed;
        return (t, CtTimeout.TcpFirstPacket);
    }

    /// <summary>tcp_conn_update. Returns the verdict and, when it changes, the new timeout state.</summary>
    public (CtUpdate Result, CtTimeout? Timeout) Update(in TcpSegment seg, bool reply, bool checkSequence)
    {
        ref var src = ref Peers[reply ? 1 : 0];
        ref var dst = ref Peers[reply ? 0 : 1];
        ushort flags = seg.Flags;
        uint win = seg.Window;
        int sws = 0, dws = 0;

        if (InvalidFlags(flags)) return (CtUpdate.Invalid, null);

        if ((flags & (TcpSegment.Syn | TcpSegment.AckFlag)) == TcpSegment.Syn)
        {
            if (dst.State >= TcpPeerState.FinWait2 && src.State >= TcpPeerState.FinWait2)
            {
                src.State = dst.State = TcpPeerState.Closed;
                return (CtUpdate.New, null);
            }
            if (src.State <= TcpPeerState.SynSent)
            {
                src.State = TcpPeerState.SynSent;
                return (CtUpdate.ValidNew, CtTimeout.TcpFirstPacket);
            }
        }

        if ((src.Wscale & WscaleFlag) != 0 && (dst.Wscale & WscaleFlag) != 0 && (flags & TcpSegment.Syn) == 0)
        {
            sws = src.Wscale & WscaleMask;
            dws = dst.Wscale & WscaleMask;
        }
        else if ((src.Wscale & WscaleUnknown) != 0 && (dst.Wscale & WscaleUnknown) != 0 && (flags & TcpSegment.Syn) == 0)
        {
            sws = MaxWindowScale;
            dws = MaxWindowScale;
        }

        uint seq = seg.Seq, origSeq = seg.Seq, ack, end;
        bool checkAckSkew = true;
        if (src.State < TcpPeerState.SynSent)
        {
            // First packet from this end: set its state.
            ack = seg.Ack;
            end = seq + seg.PayloadLength;
            if ((flags & TcpSegment.Syn) != 0)
            {
                end++;
                if ((dst.Wscale & WscaleFlag) != 0)
                {
                    src.Wscale = seg.WindowScale;
                    if ((src.Wscale & WscaleFlag) != 0)
                    {
                        sws = src.Wscale & WscaleMask;
                        win = DivRoundUp(win, 1u << sws);
                        dws = dst.Wscale & WscaleMask;
                    }
                    else
                    {
                        dst.MaxWin = (ushort)(dst.MaxWin << (dst.Wscale & WscaleMask));
                        dst.Wscale = 0;
                    }
                }
            }
            if ((flags & TcpSegment.Fin) != 0) end++;
            src.SeqLo = seq;
            src.State = TcpPeerState.SynSent;
            // Slide the window if we picked up the connection after establishment.
            uint slide = end + Math.Max(1u, (uint)dst.MaxWin << dws);
            if (src.SeqHi == 1 || SeqGeq(slide, src.SeqHi))
            {
                src.SeqHi = slide;
                checkAckSkew = false;
            }
            if (win > src.MaxWin) src.MaxWin = (ushort)win;
        }
        else
        {
            ack = seg.Ack;
            end = seq + seg.PayloadLength;
            if ((flags & TcpSegment.Syn) != 0) end++;
            if ((flags & TcpSegment.Fin) != 0) end++;
        }

        if ((flags & TcpSegment.AckFlag) == 0) ack = dst.SeqLo;                       // let it pass the ack-skew check
        else if (ack == 0 && (flags & (TcpSegment.AckFlag | TcpSegment.Rst)) == (TcpSegment.AckFlag | TcpSegment.Rst)) ack = dst.SeqLo;

        if (seq == end)
        {
            // Ease sequencing restrictions on segments without data.
            seq = src.SeqLo;
            end = seq;
        }

        int ackSkew = checkAckSkew ? (int)(dst.SeqLo - ack) : 0;
        bool inWindow =
            SeqGeq(src.SeqHi, end)                                            // last octet inside the other's window
            && SeqGeq(seq, src.SeqLo - ((uint)dst.MaxWin << dws))             // retransmit: at most one window back
            && ackSkew >= -MaxAckWindow                                       // acks at most one fragment backwards
            && ackSkew <= (MaxAckWindow << sws)                               // acks at most one window forward
            && ((flags & TcpSegment.Rst) == 0 || origSeq == src.SeqLo || origSeq == src.SeqLo + 1 || origSeq + 1 == src.SeqLo);

        if (inWindow || !checkSequence)
        {
            if (src.MaxWin < win) src.MaxWin = (ushort)Math.Min(win, ushort.MaxValue);
            if (SeqGt(end, src.SeqLo)) src.SeqLo = end;
            if (SeqGeq(ack + (win << sws), dst.SeqHi)) dst.SeqHi = ack + Math.Max(win << sws, 1u);

            if ((flags & TcpSegment.Syn) != 0 && src.State < TcpPeerState.SynSent) src.State = TcpPeerState.SynSent;
            if ((flags & TcpSegment.Fin) != 0 && src.State < TcpPeerState.Closing) src.State = TcpPeerState.Closing;
            if ((flags & TcpSegment.AckFlag) != 0)
            {
                if (dst.State == TcpPeerState.SynSent) dst.State = TcpPeerState.Established;
                else if (dst.State == TcpPeerState.Closing) dst.State = TcpPeerState.FinWait2;
            }
            if ((flags & TcpSegment.Rst) != 0) src.State = dst.State = TcpPeerState.TimeWait;

            CtTimeout tm;
            if (src.State >= TcpPeerState.FinWait2 && dst.State >= TcpPeerState.FinWait2) tm = CtTimeout.TcpClosed;
            else if (src.State >= TcpPeerState.Closing && dst.State >= TcpPeerState.Closing) tm = CtTimeout.TcpFinWait;
            else if (src.State < TcpPeerState.Established || dst.State < TcpPeerState.Established) tm = CtTimeout.TcpOpening;
            else if (src.State >= TcpPeerState.Closing || dst.State >= TcpPeerState.Closing) tm = CtTimeout.TcpClosing;
            else tm = CtTimeout.TcpEstablished;
            return (CtUpdate.Valid, tm);
        }

        if ((dst.State < TcpPeerState.SynSent || dst.State >= TcpPeerState.FinWait2 || src.State >= TcpPeerState.FinWait2)
            && SeqGeq(src.SeqHi + MaxAckWindow, end)
            && SeqGeq(seq, src.SeqLo - MaxAckWindow))
        {
            // Shotgunned SYNs, a connection picked up mid-stream, or stray packets right after close:
            // accept but do not refresh the timeout (so a flood cannot keep the entry alive).
            if (src.MaxWin < win) src.MaxWin = (ushort)Math.Min(win, ushort.MaxValue);
            if (SeqGt(end, src.SeqLo)) src.SeqLo = end;
            if (SeqGeq(ack + (win << sws), dst.SeqHi)) dst.SeqHi = ack + Math.Max(win << sws, 1u);
            if ((flags & TcpSegment.Fin) != 0 && src.State < TcpPeerState.Closing) src.State = TcpPeerState.Closing;
            if ((flags & TcpSegment.Rst) != 0) src.State = dst.State = TcpPeerState.TimeWait;
            return (CtUpdate.Valid, null);
        }
        return (CtUpdate.Invalid, null);
    }

    // tcp_invalid_flags: SYN with RST or FIN; neither SYN nor ACK nor RST; FIN/PSH/URG without ACK.
    private static bool InvalidFlags(ushort flags)
    {
        if ((flags & TcpSegment.Syn) != 0)
        {
            if ((flags & (TcpSegment.Rst | TcpSegment.Fin)) != 0) return true;
        }
        else if ((flags & (TcpSegment.AckFlag | TcpSegment.Rst)) == 0) return true;
        if ((flags & TcpSegment.AckFlag) == 0 && (flags & (TcpSegment.Fin | TcpSegment.Psh | TcpSegment.Urg)) != 0) return true;
        return false;
    }

    private static uint DivRoundUp(uint x, uint y) => (x + y - 1) / y;
    private static bool SeqGeq(uint a, uint b) => (int)(a - b) >= 0;
    private static bool SeqGt(uint a, uint b) => (int)(a - b) > 0;
}

/// <summary>Verdicts of a protocol's conn_update (enum ct_update_res).</summary>
internal enum CtUpdate : byte
{
    Invalid,
    Valid,
    /// <summary>The old connection is over; this packet starts a new one (a SYN after both sides closed).</summary>
    New,
    /// <summary>Valid, but the connection is not yet established (still +new).</summary>
    ValidNew,
}
