using System.Globalization;
using System.Text;
using MeshSim.Wire;

namespace MeshSim.Ovs;

public static partial class OvsFormatter
{
    private static readonly string[] CtStateNames = ["new", "est", "rel", "rpl", "inv", "trk", "snat", "dnat"];
    private static readonly string[] TcpFlagNames = ["fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns", "[200]", "[400]", "[800]"];

    /// <summary>Name of ct_state bit <paramref name="bit"/> (0 = new … 7 = dnat).</summary>
    internal static string CtStateName(int bit) => CtStateNames[bit];

    /// <summary>Name of tcp_flags bit <paramref name="bit"/>, or null for the reserved bits 9–11.</summary>
    internal static string? TcpFlagName(int bit) => bit < TcpFlagNames.Length ? TcpFlagNames[bit] : null;

    /// <summary>Lower-case hex with a 0x prefix, like printf("%#x") except that 0 prints as "0".</summary>
    internal static string HexOrZero(UInt128 v) => v == 0 ? "0" : "0x" + Hex(v);

    internal static string Hex(UInt128 v) =>
        (v >> 64) == 0 ? ((ulong)v).ToString("x", CultureInfo.InvariantCulture)
                       : ((ulong)(v >> 64)).ToString("x", CultureInfo.InvariantCulture) + ((ulong)v).ToString("x16", CultureInfo.InvariantCulture);

    internal static string Ipv4(UInt128 v) => new Ipv4Address((uint)v).ToString();

    internal static string Mac(UInt128 v) => new MacAddress((ulong)v).ToString();

    /// <summary>OVS's <c>ip_format_masked</c>: CIDR masks as /N, others dotted.</summary>
    internal static void AppendIpMasked(StringBuilder sb, UInt128 value, UInt128 mask)
    {
        sb.Append(Ipv4(value));
        uint m = (uint)mask;
        if (m == uint.MaxValue) return;
        if (IsCidr(m)) sb.Append('/').Append(m == 0 ? 0 : 32 - System.Numerics.BitOperations.TrailingZeroCount(m));
        else sb.Append('/').Append(Ipv4(m));
    }

    internal static bool IsCidr(uint mask) => (~mask & (~mask + 1)) == 0;

    /// <summary>
    /// OVS's <c>mf_format</c>: a value (and mask, unless null or all ones) in the field's own format.
    /// Used for set_field arguments and group hash-field masks.
    /// </summary>
    internal static void AppendValue(StringBuilder sb, OvsField f, UInt128 value, UInt128? mask)
    {
        if (mask is { } mm)
        {
            if (mm == 0) { sb.Append("ANY"); return; }
            if (mm == f.FullMask) mask = null;
        }
        switch (f.Format)
        {
            case FieldFormat.Port when mask is null:
                sb.Append(OfPort.Format(f.Id == OvsFieldId.InPortOxm ? OfPort.FromOpenFlow11((uint)value) : (uint)value));
                return;
            case FieldFormat.Ethernet:
                sb.Append(Mac(value));
                if (mask is { } em) sb.Append('/').Append(Mac(em));
                return;
            case FieldFormat.Ipv4:
                if (mask is { } im) AppendIpMasked(sb, value, im); else sb.Append(Ipv4(value));
                return;
            case FieldFormat.CtState:
                AppendFlags(sb, (uint)value, (uint)(mask ?? 0xff), 0xff, CtStateNames);
                return;
            case FieldFormat.TcpFlags:
                AppendFlags(sb, (uint)value, (uint)(mask ?? 0xfff), 0xfff, TcpFlagNames);
                return;
            case FieldFormat.Fragment:
                sb.Append(FragName((byte)value, (byte)(mask ?? 3)));
                return;
        }
        // MFS_HEXADECIMAL (OVS's ds_put_hex over the field's bytes) or MFS_DECIMAL.
        if (IsHexField(f))
            sb.Append(HexOrZero(value));
        else
            sb.Append(((ulong)value).ToString(CultureInfo.InvariantCulture));
        if (mask is { } m) sb.Append('/').Append(HexOrZero(m));
    }

    // In OVS, the string format of eth_type/vlan_tci is hexadecimal, registers/metadata/marks too.
    private static bool IsHexField(OvsField f) => f.Format is FieldFormat.Hex or FieldFormat.Hex128 or FieldFormat.Tci or FieldFormat.EtherType;

    /// <summary>OVS's <c>format_flags</c> (exact: names joined by '|') or <c>format_flags_masked</c> (+name-name).</summary>
    internal static void AppendFlags(StringBuilder sb, uint flags, uint mask, uint maxMask, string[] names)
    {
        if (mask == maxMask)
        {
            if (flags == 0) { sb.Append('0'); return; }
            uint bad = 0;
            bool first = true;
            for (int bit = 0; bit < 32; bit++)
            {
                if ((flags & (1u << bit)) == 0) continue;
                if (bit < names.Length)
                {
                    if (!first) sb.Append('|');
                    sb.Append(names[bit]);
                    first = false;
                }
                else bad |= 1u << bit;
            }
            if (bad != 0)
            {
                if (!first) sb.Append('|');
                sb.Append("0x").Append(bad.ToString("x", CultureInfo.InvariantCulture));
            }
            return;
        }
        if (mask == 0) { sb.Append("0/0"); return; }
        for (int bit = 0; bit < 32; bit++)
        {
            if ((mask & (1u << bit)) == 0) continue;
            sb.Append((flags & (1u << bit)) != 0 ? '+' : '-');
            sb.Append(bit < names.Length ? names[bit] : "[Unknown]");
        }
    }

    /// <summary>nw_frag as OVS prints it for the given mask (bit 0 = any fragment, bit 1 = later fragment).</summary>
    internal static string FragName(byte value, byte mask) => (mask & 3) switch
    {
        3 => (value & 1) != 0 ? ((value & 2) != 0 ? "later" : "first") : ((value & 2) != 0 ? "<error>" : "no"),
        1 => (value & 1) != 0 ? "yes" : "no",
        2 => (value & 2) != 0 ? "later" : "not_later",
        _ => "",
    };
}
