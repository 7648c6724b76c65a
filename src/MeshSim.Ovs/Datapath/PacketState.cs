using System.Buffers.Binary;
using MeshSim.Ovs.Classification;
using MeshSim.Ovs.Conntrack;
using MeshSim.Wire;

namespace MeshSim.Ovs.Datapath;

/// <summary>
/// One packet inside the pipeline: its bytes, the headers parsed from those bytes
/// (<see cref="Base"/>), and the flow the pipeline sees (<see cref="Key"/>: headers as modified
/// by set_field and friends, plus metadata). Like OVS's translation, header modifications are made
/// to the flow first and written into the bytes only when something needs the bytes (output,
/// ct, a group clone) — <see cref="Commit"/> — with RFC 1624 checksum updates. Reused across
/// packets: nothing here allocates per packet.
/// </summary>
public sealed class PacketState
{
    private ExtractCounters _counters;

    /// <summary>Backing storage (room for a VLAN push on a jumbo frame).</summary>
    public byte[] Buffer { get; } = new byte[MeshSim.Engine.Frame.MaxLength + 8];

    /// <summary>Bytes of the frame.</summary>
    public int Length { get; private set; }

    /// <summary>Headers as the bytes currently are.</summary>
    public FlowKey Base;

    /// <summary>The headers as the pipeline last committed them (OVS's <c>base_flow</c>): the same as
    /// <see cref="Base"/> except after a <c>ct(nat)</c> without <c>table=</c>, which rewrote the bytes
    /// in the datapath while the flow kept the pre-NAT headers. Later header changes are committed
    /// against this, so a field set back to its pre-NAT value writes nothing, as in OVS.</summary>
    public FlowKey Committed;

    /// <summary>True when the bytes were rewritten behind the flow's back (<see cref="DatapathRewrote"/>).</summary>
    private bool _bytesAhead;

    /// <summary>The flow the pipeline matches on and modifies.</summary>
    public PacketKey Key;

    /// <summary>Datapath conntrack metadata (survives ct() without table=, unlike the ct fields in <see cref="Key"/>).</summary>
    public CtMetadata Ct;

    /// <summary>Recirculation id (0 for the first pass).</summary>
    public uint RecircId;

    /// <summary>The datapath's <c>dp_hash</c>, set by a <c>hash()</c> action and kept across recirculations;
    /// 0 until computed (OVS treats 0 as "not computed").</summary>
    public uint DpHash;

    /// <summary>The 5-tuple as the packet entered the datapath: its RSS hash, which the userspace
    /// datapath's <c>hash(l4)</c> starts from, is taken then and kept however the headers change.</summary>
    public FlowHash.FiveTuple Ingress;

    /// <summary>
    /// The register stack of <c>push</c>/<c>pop</c> (OVS's ctx->stack): each entry a value and the bytes it takes
    /// (a pushed subfield's width rounded up to bytes). It belongs to the packet's translation, so resubmits share it
    /// and a recirculation carries it on, as OVS freezes it with the rest of the pipeline state.
    /// </summary>
    public List<(UInt128 Value, int Bytes)> Stack { get; } = new();

    /// <summary>Bytes held by <see cref="Stack"/> (OVS fails a translation whose stack reaches 64 kB).</summary>
    public int StackBytes { get; set; }

    /// <summary>The frame's bytes.</summary>
    public Span<byte> Data => Buffer.AsSpan(0, Length);

    /// <summary>Loads a fresh packet arriving on <paramref name="inPort"/>.</summary>
    public void Load(ReadOnlySpan<byte> frame, uint inPort)
    {
        int n = Math.Min(frame.Length, Buffer.Length);
        frame[..n].CopyTo(Buffer);
        Length = n;
        FlowExtractor.Extract(Data, inPort, ref Base, ref _counters);
        Committed = Base;
        _bytesAhead = false;
        Key = PacketKey.FromFlow(in Base);
        Ct = default;
        RecircId = 0;
        DpHash = 0;
        Ingress = FlowHash.FiveTuple.Of(in Key);
        Stack.Clear();
        StackBytes = 0;
    }

    /// <summary>Copies another packet (a recirculation or a clone).</summary>
    public void CopyFrom(PacketState other)
    {
        other.Data.CopyTo(Buffer);
        Length = other.Length;
        Base = other.Base;
        Committed = other.Committed;
        _bytesAhead = other._bytesAhead;
        Key = other.Key;
        Ct = other.Ct;
        RecircId = other.RecircId;
        DpHash = other.DpHash;
        Ingress = other.Ingress;
        Stack.Clear();
        Stack.AddRange(other.Stack);
        StackBytes = other.StackBytes;
    }

    /// <summary>Re-reads the headers after the bytes changed (NAT), keeping the metadata in <see cref="Key"/>.</summary>
    public void Reparse()
    {
        uint inPort = (uint)Key.Get(KeyField.InPort);
        FlowExtractor.Extract(Data, inPort, ref Base, ref _counters);
        Committed = Base;
        _bytesAhead = false;
        Key.LoadHeaders(in Base);
        Key.Set(KeyField.InPort, inPort);
    }

    /// <summary>The datapath changed the bytes (conntrack NAT) but the flow goes on with the headers
    /// it had: OVS's translation does not see the NAT until a recirculation re-extracts the packet
    /// (ofproto/trace: "Final flow: unchanged"). Only <see cref="Base"/> follows the bytes.</summary>
    public void DatapathRewrote()
    {
        uint inPort = (uint)Key.Get(KeyField.InPort);
        FlowExtractor.Extract(Data, inPort, ref Base, ref _counters);
        _bytesAhead = true;
    }

    /// <summary>True when the flow's header fields differ from the bytes.</summary>
    public bool IsDirty
    {
        get
        {
            var b = PacketKey.FromFlow(in Committed);
            // Words 0-6 hold headers; the low 16 bits of words 4-6 are conntrack metadata, and in_port is metadata.
            const ulong InPortBits = 0xFFFF_FFFF_0000_0000UL;
            if (((Key.Words[0] ^ b.Words[0]) & ~InPortBits) != 0) return true;
            for (int i = 1; i <= 3; i++) if (Key.Words[i] != b.Words[i]) return true;
            for (int i = 4; i <= 6; i++) if (((Key.Words[i] ^ b.Words[i]) & ~0xFFFFUL) != 0) return true;
            return false;
        }
    }

    /// <summary>Writes header modifications from <see cref="Key"/> into the bytes.</summary>
    public void Commit()
    {
        if (!IsDirty) return;
        var data = Data;
        ulong v;
        if ((v = Key.Get(KeyField.DlDst)) != Committed.EthDst.Value && Length >= 14) new MacAddress(v).Write(data);
        if ((v = Key.Get(KeyField.DlSrc)) != Committed.EthSrc.Value && Length >= 14) new MacAddress(v).Write(data[6..]);
        CommitVlan();
        data = Data;
        if (Base.EthType == 0x0800 && Base.L3Offset != FlowKey.Absent) CommitIpv4(data);
        else if (Base.EthType == 0x0806 && Base.L3Offset != FlowKey.Absent && Length >= Base.L3Offset + 28) CommitArp(data);
        if (!_bytesAhead)
        {
            Reparse();
            return;
        }
        // The bytes still carry the datapath's NAT where the flow did not change a field, so the
        // flow keeps its own view: only the committed fields move, as base_flow = flow in OVS.
        uint inPort = (uint)Key.Get(KeyField.InPort);
        FlowExtractor.Extract(Data, inPort, ref Base, ref _counters);
        Committed.EthSrc = new MacAddress(Key.Get(KeyField.DlSrc));
        Committed.EthDst = new MacAddress(Key.Get(KeyField.DlDst));
        Committed.VlanTci = (ushort)Key.Get(KeyField.VlanTci);
        Committed.NwSrc = new Ipv4Address((uint)Key.Get(KeyField.NwSrc));
        Committed.NwDst = new Ipv4Address((uint)Key.Get(KeyField.NwDst));
        Committed.NwTos = (byte)Key.Get(KeyField.NwTos);
        Committed.NwTtl = (byte)Key.Get(KeyField.NwTtl);
        Committed.TpSrc = (ushort)Key.Get(KeyField.TpSrc);
        Committed.TpDst = (ushort)Key.Get(KeyField.TpDst);
        Committed.ArpSha = new MacAddress(Key.Get(KeyField.ArpSha));
        Committed.ArpTha = new MacAddress(Key.Get(KeyField.ArpTha));
    }

    private void CommitVlan()
    {
        ushort want = (ushort)Key.Get(KeyField.VlanTci);
        if (want == Committed.VlanTci || want == Base.VlanTci || Length < 14) return;
        bool tagged = Base.VlanTci != 0;
        bool wantTag = (want & 0x1000) != 0;
        ushort wire = (ushort)(want & ~0x1000);
        if (tagged && wantTag) BinaryPrimitives.WriteUInt16BigEndian(Buffer.AsSpan(14), wire);
        else if (tagged)
        {
            Buffer.AsSpan(16, Length - 16).CopyTo(Buffer.AsSpan(12));       // strip the 4-byte tag
            Length -= 4;
        }
        else if (wantTag && Length + 4 <= Buffer.Length)
        {
            Buffer.AsSpan(12, Length - 12).CopyTo(Buffer.AsSpan(16));       // push an 802.1Q tag
            BinaryPrimitives.WriteUInt16BigEndian(Buffer.AsSpan(12), 0x8100);
            BinaryPrimitives.WriteUInt16BigEndian(Buffer.AsSpan(14), wire);
            Length += 4;
        }
        var counters = default(ExtractCounters);
        uint inPort = (uint)Key.Get(KeyField.InPort);
        FlowExtractor.Extract(Data, inPort, ref Base, ref counters);
    }

    private void CommitIpv4(Span<byte> data)
    {
        uint v;
        if ((v = (uint)Key.Get(KeyField.NwSrc)) != Committed.NwSrc.Value) HeaderRewriter.SetIpv4Address(data, in Base, source: true, v);
        if ((v = (uint)Key.Get(KeyField.NwDst)) != Committed.NwDst.Value) HeaderRewriter.SetIpv4Address(data, in Base, source: false, v);
        if ((v = (uint)Key.Get(KeyField.NwTos)) != Committed.NwTos) HeaderRewriter.SetTos(data, in Base, (byte)v);
        if ((v = (uint)Key.Get(KeyField.NwTtl)) != Committed.NwTtl) HeaderRewriter.SetTtl(data, in Base, (byte)v);
        ushort sp = (ushort)Key.Get(KeyField.TpSrc), dp = (ushort)Key.Get(KeyField.TpDst);
        if (Base.NwProto == 1)
        {
            if ((sp != Committed.TpSrc || dp != Committed.TpDst) && Base.L4Offset != FlowKey.Absent && Length >= Base.L4Offset + 4)
            {
                int at = Base.L4Offset;
                ushort oldWord = BinaryPrimitives.ReadUInt16BigEndian(data[at..]);
                ushort newWord = (ushort)(((sp & 0xFF) << 8) | (dp & 0xFF));
                BinaryPrimitives.WriteUInt16BigEndian(data[at..], newWord);
                ushort c = BinaryPrimitives.ReadUInt16BigEndian(data[(at + 2)..]);
                BinaryPrimitives.WriteUInt16BigEndian(data[(at + 2)..], Checksum.Adjust(c, oldWord, newWord));
            }
        }
        else
        {
            if (sp != Committed.TpSrc) HeaderRewriter.SetPort(data, in Base, source: true, sp);
            if (dp != Committed.TpDst) HeaderRewriter.SetPort(data, in Base, source: false, dp);
        }
    }

    private void CommitArp(Span<byte> data)
    {
        var arp = data[Base.L3Offset..];
        BinaryPrimitives.WriteUInt16BigEndian(arp[6..], (ushort)Key.Get(KeyField.NwProto));
        new MacAddress(Key.Get(KeyField.ArpSha)).Write(arp[8..]);
        BinaryPrimitives.WriteUInt32BigEndian(arp[14..], (uint)Key.Get(KeyField.NwSrc));
        new MacAddress(Key.Get(KeyField.ArpTha)).Write(arp[18..]);
        BinaryPrimitives.WriteUInt32BigEndian(arp[24..], (uint)Key.Get(KeyField.NwDst));
    }

    /// <summary>Copies the conntrack metadata into the flow's ct_* fields (what a recirculated pass matches on).</summary>
    public void LoadCtIntoKey()
    {
        Key.Set(KeyField.CtState, (byte)Ct.State);
        Key.Set(KeyField.CtZone, Ct.Zone);
        Key.Set(KeyField.CtMark, Ct.Mark);
        Key.Set(KeyField.CtLabelHigh, (ulong)(Ct.Label >> 64));
        Key.Set(KeyField.CtLabelLow, (ulong)Ct.Label);
        if (Ct.HasOrig)
        {
            var o = Ct.Orig;
            Key.Set(KeyField.CtNwSrc, o.Src);
            Key.Set(KeyField.CtNwDst, o.Dst);
            Key.Set(KeyField.CtNwProto, o.Proto);
            Key.Set(KeyField.CtTpSrc, o.Proto == 1 ? o.SrcIcmpType : o.SrcPort);
            Key.Set(KeyField.CtTpDst, o.Proto == 1 ? 0UL : o.DstPort);
        }
        else
        {
            Key.Set(KeyField.CtNwSrc, 0); Key.Set(KeyField.CtNwDst, 0); Key.Set(KeyField.CtNwProto, 0);
            Key.Set(KeyField.CtTpSrc, 0); Key.Set(KeyField.CtTpDst, 0);
        }
    }
}
