using MeshSim.P4.Model;

namespace MeshSim.P4.Execution;

/// <summary>
/// Runs packets through a loaded program with simple_switch's v1model architecture:
/// parser → verify checksums → ingress → (clone, resubmit, multicast, drop or unicast) →
/// egress → (clone, drop, recirculate or send) → compute checksums → deparser.
/// The order of outputs for one input is deterministic: ingress clones, then replicas/unicast,
/// each followed by anything it spawns. Resubmit and recirculate passes are capped at
/// <see cref="MaxPasses"/> per input (bmv2 has no cap; a looping program would hang it).
/// </summary>
public sealed class V1Switch
{
    public const int MaxPasses = 16;
    public P4Program Program { get; }
    /// <summary>When true, each <see cref="Process"/> call fills <see cref="Trace"/>.</summary>
    public bool TraceEnabled { get; set; }
    public P4Trace Trace { get; } = new();
    /// <summary>Packets dropped so far (explicitly or by DROP_PORT).</summary>
    public long Dropped { get; private set; }

    private readonly PacketState _ingress, _egress, _clone;
    private readonly ExecContext _ci, _ce, _cc;
    private readonly List<(int Port, int Rid)> _replicas = [];
    private readonly Queue<(byte[] Frame, uint Port, int Instance, UInt128[]? Preserved, int FieldList)> _reentry = new();
    private int _packetId;

    public V1Switch(P4Program program)
    {
        Program = program;
        _ingress = program.NewPacketState(); _egress = program.NewPacketState();
        _clone = program.NewPacketState();
        _ci = new ExecContext(program, _ingress); _ce = new ExecContext(program, _egress); _cc = new ExecContext(program, _clone);
    }

    /// <summary>Processes one frame arriving on <paramref name="ingressPort"/> at virtual time <paramref name="nowNs"/>; results go to <paramref name="output"/>.</summary>
    public void Process(ReadOnlySpan<byte> frame, uint ingressPort, EgressPackets output, long nowNs = 0)
    {
        output.Clear();
        var trace = TraceEnabled ? Trace : null;
        if (trace is not null) { trace.Clear(); trace.PacketId = _packetId; trace.Line($"Processing packet received on port {ingressPort} ({frame.Length} bytes)"); }
        _packetId++;
        _ci.Trace = _ce.Trace = _cc.Trace = trace;
        _ci.NowNs = _ce.NowNs = _cc.NowNs = nowNs;
        RunIngress(frame, ingressPort, V1Model.Normal, null, -1, output);
        int passes = 1;
        while (_reentry.Count > 0)
        {
            var (f, p, inst, preserved, fl) = _reentry.Dequeue();
            if (++passes > MaxPasses) { trace?.Line($"Pass limit {MaxPasses} reached; packet dropped"); Dropped++; _reentry.Clear(); break; }
            RunIngress(f, p, inst, preserved, fl, output);
        }
    }

    private void InitMetadata(PacketState pkt, uint port, int instanceType, int length, long nowNs)
    {
        var p = Program; var s = p.Std;
        foreach (var h in p.Headers) if (h.Metadata) pkt.Valid[h.Index] = true;
        if (s.IngressPort >= 0) pkt.Fields[s.IngressPort] = port & p.FieldMasks[s.IngressPort];
        if (s.InstanceType >= 0) pkt.Fields[s.InstanceType] = (uint)instanceType;
        if (s.PacketLength >= 0) pkt.Fields[s.PacketLength] = (uint)length;
        if (s.IngressTimestamp >= 0) pkt.Fields[s.IngressTimestamp] = (ulong)(nowNs / 1000) & p.FieldMasks[s.IngressTimestamp];
    }

    private void Parse(ExecContext c)
    {
        Program.Parser?.Run(c);
        foreach (var ck in Program.Checksums)
        {
            if (!ck.Verify || (ck.Condition is not null && ck.Condition.Eval(c) == UInt128.Zero)) continue;
            var computed = (UInt128)ck.Calculation.Compute(c) & Program.FieldMasks[ck.TargetField];
            if (computed != c.Pkt.Fields[ck.TargetField])
            {
                if (Program.Std.ChecksumError >= 0) c.Write(Program.Std.ChecksumError, 1);
                c.Trace?.Line($"Checksum '{ck.Name}': verify failed (field {c.Pkt.Fields[ck.TargetField]:x}, computed {computed:x})");
            }
        }
    }

    private void Preserve(PacketState from, int fieldList, UInt128[]? into)
    {
        if (into is null || !Program.FieldLists.TryGetValue(fieldList, out var fl)) return;
        for (int i = 0; i < fl.Fields.Length; i++) into[i] = from.Fields[fl.Fields[i]];
    }

    private UInt128[]? Snapshot(PacketState from, int fieldList)
    {
        if (!Program.FieldLists.TryGetValue(fieldList, out var fl)) return null;
        var v = new UInt128[fl.Fields.Length];
        Preserve(from, fieldList, v);
        return v;
    }

    private void Restore(PacketState to, int fieldList, UInt128[]? values)
    {
        if (values is null || !Program.FieldLists.TryGetValue(fieldList, out var fl)) return;
        for (int i = 0; i < fl.Fields.Length; i++) to.Fields[fl.Fields[i]] = values[i];
    }

    private void RunIngress(ReadOnlySpan<byte> frame, uint port, int instance, UInt128[]? preserved, int fieldList, EgressPackets output)
    {
        var p = Program; var s = p.Std; var pkt = _ingress; var c = _ci;
        pkt.Reset(frame);
        // Ingress never writes the frame bytes (fields live in the PHV), so _ingress.Data stays the
        // packet as it arrived: resubmit and ingress clones read it there instead of from a per-packet copy.
        InitMetadata(pkt, port, instance, frame.Length, c.NowNs);
        Parse(c);
        Restore(pkt, fieldList, preserved);
        // A preserved field list may carry instance_type/packet_length; the new pass's own values win, as in simple_switch.
        if (preserved is not null) InitMetadata(pkt, port, instance, frame.Length, c.NowNs);
        p.Ingress?.Run(c);
        pkt.ExitFlag = false;

        if (pkt.CloneSession >= 0) CloneFromIngress(port, output);
        if (pkt.Resubmit)
        {
            c.Trace?.Line("Resubmitting packet");
            _reentry.Enqueue((_ingress.Data.AsSpan(0, _ingress.Length).ToArray(), port, V1Model.Resubmit, Snapshot(pkt, pkt.ResubmitFieldList), pkt.ResubmitFieldList));
            return;
        }
        UInt128 mgrp = s.McastGrp >= 0 ? pkt.Fields[s.McastGrp] : 0;
        if (mgrp != 0)
        {
            if (!p.Pre.Replicas((int)(uint)mgrp, _replicas)) { c.Trace?.Line($"Multicast group {mgrp} does not exist; packet dropped"); Dropped++; return; }
            c.Trace?.Line($"Multicast to group {mgrp}: {_replicas.Count} replicas");
            for (int r = 0; r < _replicas.Count; r++)   // egress never touches the PRE, so the list is stable
            {
                var (rport, rid) = _replicas[r];
                _egress.CopyFrom(pkt);
                if (s.InstanceType >= 0) _egress.Fields[s.InstanceType] = V1Model.Replication;
                if (s.EgressRid >= 0) _egress.Fields[s.EgressRid] = (uint)rid & p.FieldMasks[s.EgressRid];
                RunEgress(_ce, rport, output);
            }
            return;
        }
        UInt128 spec = s.EgressSpec >= 0 ? pkt.Fields[s.EgressSpec] : 0;
        if (spec == V1Model.DropPort) { c.Trace?.Line("Dropping packet at the end of ingress"); Dropped++; return; }
        RunEgress(c, (int)(uint)spec, output); // unicast: egress continues on the same state, no copy
    }

    private void CloneFromIngress(uint port, EgressPackets output)
    {
        var p = Program; var src = _ingress;
        if (!p.Pre.MirrorSessions.TryGetValue(src.CloneSession, out var cport)) { _ci.Trace?.Line($"Clone session {src.CloneSession} not configured; no clone"); return; }
        _ci.Trace?.Line($"Cloning packet at ingress to session {src.CloneSession} (port {cport})");
        var preserved = Snapshot(src, src.CloneFieldList);
        // The clone is the packet as it entered ingress, parsed again.
        _clone.Reset(src.Data.AsSpan(0, src.Length));
        InitMetadata(_clone, port, V1Model.IngressClone, src.Length, _cc.NowNs);
        Parse(_cc);
        Restore(_clone, src.CloneFieldList, preserved);
        if (p.Std.InstanceType >= 0) _clone.Fields[p.Std.InstanceType] = V1Model.IngressClone;
        RunEgress(_cc, cport, output);
    }

    private void RunEgress(ExecContext c, int egressPort, EgressPackets output, int depth = 0)
    {
        var p = Program; var s = p.Std; var pkt = c.Pkt;
        if (s.EgressPort >= 0) pkt.Fields[s.EgressPort] = (uint)egressPort & p.FieldMasks[s.EgressPort];
        if (s.EgressSpec >= 0) pkt.Fields[s.EgressSpec] = 0; // simple_switch clears egress_spec before egress
        // Egress sees the length of the packet as ingress left it (headers added or removed), as simple_switch does.
        if (s.PacketLength >= 0) pkt.Fields[s.PacketLength] = (uint)DeparsedLength(pkt) & p.FieldMasks[s.PacketLength];
        if (s.EgressTimestamp >= 0) pkt.Fields[s.EgressTimestamp] = (ulong)(c.NowNs / 1000) & p.FieldMasks[s.EgressTimestamp];
        pkt.CloneSession = -1; pkt.Recirculate = false; pkt.ExitFlag = false;
        c.Trace?.Line($"Egress port is {egressPort}");
        p.Egress?.Run(c);
        pkt.ExitFlag = false;

        if (pkt.CloneSession >= 0 && depth < MaxPasses)
        {
            if (p.Pre.MirrorSessions.TryGetValue(pkt.CloneSession, out var cport))
            {
                c.Trace?.Line($"Cloning packet at egress to session {pkt.CloneSession} (port {cport})");
                var e2e = p.NewPacketState();   // rare path: egress-to-egress clones get their own state
                e2e.CopyFrom(pkt);
                e2e.CloneSession = -1;
                if (s.InstanceType >= 0) e2e.Fields[s.InstanceType] = V1Model.EgressClone;
                var ctx = new ExecContext(p, e2e) { Trace = c.Trace, NowNs = c.NowNs };
                RunEgress(ctx, cport, output, depth + 1);
            }
        }
        UInt128 spec = s.EgressSpec >= 0 ? pkt.Fields[s.EgressSpec] : 0;
        if (spec == V1Model.DropPort) { c.Trace?.Line("Dropping packet at the end of egress"); Dropped++; return; }
        if (pkt.Recirculate)
        {
            var buf = new byte[DeparsedLength(pkt)];
            int n = Deparse(c, buf);
            c.Trace?.Line("Recirculating packet");
            uint inPort = s.IngressPort >= 0 ? (uint)pkt.Fields[s.IngressPort] : 0;
            _reentry.Enqueue((buf.AsSpan(0, n).ToArray(), inPort, V1Model.Recirc, Snapshot(pkt, pkt.RecirculateFieldList), pkt.RecirculateFieldList));
            return;
        }
        var outBuf = output.Rent(DeparsedLength(pkt));
        int len = Deparse(c, outBuf);
        if (pkt.TruncateLength > 0 && pkt.TruncateLength < len) len = pkt.TruncateLength;
        output.Commit(egressPort, len);
        c.Trace?.Line($"Transmitting packet of size {len} out of port {egressPort}");
    }

    private int DeparsedLength(PacketState pkt)
    {
        int bits = 0;
        if (Program.Deparser is { } d) foreach (var h in d.Order) if (pkt.Valid[h]) bits += Program.HeaderWireBits(pkt, h);
        return bits / 8 + (pkt.Length - pkt.PayloadOffset);
    }

    /// <summary>Updates checksums, then writes valid headers in deparser order followed by the payload.</summary>
    private int Deparse(ExecContext c, byte[] dest)
    {
        var p = Program; var pkt = c.Pkt;
        foreach (var ck in p.Checksums)
        {
            if (!ck.Update || (ck.Condition is not null && ck.Condition.Eval(c) == UInt128.Zero)) continue;
            c.Write(ck.TargetField, ck.Calculation.Compute(c));
        }
        var w = new BitWriter(dest, 0);
        if (p.Deparser is { } d)
            foreach (var h in d.Order)
                if (pkt.Valid[h]) p.SerializeHeader(pkt, h, ref w);
        w.Flush();
        int off = w.BitPosition / 8;
        int payload = pkt.Length - pkt.PayloadOffset;
        pkt.Data.AsSpan(pkt.PayloadOffset, payload).CopyTo(dest.AsSpan(off));
        return off + payload;
    }
}
