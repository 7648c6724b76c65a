using MeshSim.Ovs.Classification;

namespace MeshSim.Ovs.Datapath;

/// <summary>
/// Connects the flow-syntax field registry (<see cref="OvsFieldId"/>) to the packed packet key
/// (<see cref="KeyField"/>): compiles a <see cref="Match"/> to a classifier <see cref="KeyMatch"/>
/// and reads/writes fields (and alias views such as <c>tcp_dst</c> or <c>ip_dscp</c>) in a key.
/// </summary>
public static class FieldMap
{
    private static readonly KeyField?[] BySlot = Build();

    private static KeyField?[] Build()
    {
        var map = new KeyField?[Enum.GetValues<OvsFieldId>().Length];
        map[(int)OvsFieldId.InPort] = KeyField.InPort;
        map[(int)OvsFieldId.Metadata] = KeyField.Metadata;
        map[(int)OvsFieldId.PktMark] = KeyField.PktMark;
        for (int i = 0; i < 16; i++) map[(int)OvsFields.Reg(i)] = KeyField.Reg(i);
        map[(int)OvsFieldId.CtState] = KeyField.CtState;
        map[(int)OvsFieldId.CtZone] = KeyField.CtZone;
        map[(int)OvsFieldId.CtMark] = KeyField.CtMark;
        map[(int)OvsFieldId.CtNwSrc] = KeyField.CtNwSrc;
        map[(int)OvsFieldId.CtNwDst] = KeyField.CtNwDst;
        map[(int)OvsFieldId.CtNwProto] = KeyField.CtNwProto;
        map[(int)OvsFieldId.CtTpSrc] = KeyField.CtTpSrc;
        map[(int)OvsFieldId.CtTpDst] = KeyField.CtTpDst;
        map[(int)OvsFieldId.EthSrc] = KeyField.DlSrc;
        map[(int)OvsFieldId.EthDst] = KeyField.DlDst;
        map[(int)OvsFieldId.EthType] = KeyField.DlType;
        map[(int)OvsFieldId.VlanTci] = KeyField.VlanTci;
        map[(int)OvsFieldId.NwSrc] = KeyField.NwSrc;
        map[(int)OvsFieldId.NwDst] = KeyField.NwDst;
        map[(int)OvsFieldId.NwProto] = KeyField.NwProto;
        map[(int)OvsFieldId.NwTos] = KeyField.NwTos;
        map[(int)OvsFieldId.NwTtl] = KeyField.NwTtl;
        map[(int)OvsFieldId.NwFrag] = KeyField.NwFrag;
        map[(int)OvsFieldId.ArpSha] = KeyField.ArpSha;
        map[(int)OvsFieldId.ArpTha] = KeyField.ArpTha;
        map[(int)OvsFieldId.TpSrc] = KeyField.TpSrc;
        map[(int)OvsFieldId.TpDst] = KeyField.TpDst;
        map[(int)OvsFieldId.TcpFlags] = KeyField.TcpFlags;
        return map;
    }

    /// <summary>Compiles a normalised match into classifier form.</summary>
    public static KeyMatch Compile(Match match)
    {
        var m = default(KeyMatch);
        foreach (var f in match.Fields)
        {
            if (f.Field == OvsFieldId.CtLabel)
            {
                m.Set(KeyField.CtLabelHigh, (ulong)(f.Value >> 64), (ulong)(f.Mask >> 64));
                m.Set(KeyField.CtLabelLow, (ulong)f.Value, (ulong)f.Mask);
                continue;
            }
            var kf = BySlot[(int)f.Field] ?? throw new NotSupportedException($"field {f.Field} cannot be matched by the MeshSim datapath");
            m.Set(kf, (ulong)f.Value, (ulong)f.Mask);
        }
        return m;
    }

    /// <summary>Reads a field (or an alias view of one) from <paramref name="key"/>.</summary>
    public static UInt128 Read(in PacketKey key, OvsFieldId field)
    {
        var info = OvsFields.Get(field);
        if (info.Parts is { } parts)
        {
            UInt128 v = 0;
            foreach (var part in parts) v = (v << 32) | ReadSlot(in key, part);
            return v;
        }
        if (field == OvsFieldId.InPortOxm) return OfPort.ToOpenFlow11((uint)key.Get(KeyField.InPort));
        UInt128 slot = ReadSlot(in key, info.Slot);
        return (slot >> info.Shift) & info.FullMask;
    }

    /// <summary>Writes <paramref name="value"/> under <paramref name="mask"/> into a field (or alias view).
    /// Writing a VLAN id through dl_vlan/vlan_vid marks the tag present, as mod_vlan_vid does.</summary>
    public static void Write(ref PacketKey key, OvsFieldId field, UInt128 value, UInt128 mask)
    {
        var info = OvsFields.Get(field);
        mask &= info.FullMask;
        if (info.Parts is { } parts)
        {
            for (int i = 0; i < parts.Count; i++)
            {
                int shift = 32 * (parts.Count - 1 - i);
                UInt128 m = (mask >> shift) & uint.MaxValue;
                if (m == 0) continue;
                UInt128 old = ReadSlot(in key, parts[i]);
                WriteSlot(ref key, parts[i], (old & ~m) | ((value >> shift) & m));
            }
            return;
        }
        if (field == OvsFieldId.InPortOxm)
        {
            // mf_set_flow_value for in_port_oxm: the OpenFlow 1.1+ number converted back (OFPP_NONE if impossible).
            uint current = OfPort.ToOpenFlow11((uint)key.Get(KeyField.InPort));
            uint m32 = (uint)mask;
            key.Set(KeyField.InPort, OfPort.FromOpenFlow11((current & ~m32) | ((uint)value & m32)));
            return;
        }
        UInt128 slot = ReadSlot(in key, info.Slot);
        slot = (slot & ~(mask << info.Shift)) | ((value & mask) << info.Shift);
        if (field is OvsFieldId.DlVlan or OvsFieldId.DlVlanPcp) slot |= 0x1000;
        WriteSlot(ref key, info.Slot, slot);
    }

    private static UInt128 ReadSlot(in PacketKey key, OvsFieldId slot)
    {
        if (slot == OvsFieldId.CtLabel) return ((UInt128)key.Get(KeyField.CtLabelHigh) << 64) | key.Get(KeyField.CtLabelLow);
        return BySlot[(int)slot] is { } kf ? key.Get(kf) : UInt128.Zero;
    }

    private static void WriteSlot(ref PacketKey key, OvsFieldId slot, UInt128 value)
    {
        if (slot == OvsFieldId.CtLabel)
        {
            key.Set(KeyField.CtLabelHigh, (ulong)(value >> 64));
            key.Set(KeyField.CtLabelLow, (ulong)value);
            return;
        }
        if (BySlot[(int)slot] is { } kf) key.Set(kf, (ulong)value);
    }
}
