using MeshSim.Wire;

namespace MeshSim.Ovs;

/// <summary>
/// OVS's <c>mf_parse</c>: text to (value, mask) for one field, in the field's own syntax
/// (integers with optional <c>/mask</c>, MACs, IPv4 with CIDR or dotted masks, port names,
/// ct_state/tcp_flags flags, fragment names). Errors are OVS's messages.
/// </summary>
internal static class FieldValueParser
{
    private static readonly string?[] CtStateNames = ["new", "est", "rel", "rpl", "inv", "trk", "snat", "dnat"];
    private static readonly string?[] TcpFlagNames = ["fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns", "[200]", "[400]", "[800]"];

    /// <summary>Returns null and sets value/mask (value not yet masked), or an error message.</summary>
    public static string? Parse(OvsField f, string s, out UInt128 value, out UInt128 mask)
    {
        value = 0; mask = f.FullMask;
        string? error = f.Format switch
        {
            FieldFormat.Ethernet => ParseEthernet(s, out value, out mask),
            FieldFormat.Ipv4 => ParseIpv4Masked(s, out value, out mask),
            FieldFormat.Port => ParsePortField(f, s, out value, out mask),
            FieldFormat.CtState => ParseFlagsField(s, CtStateNames, 0xff, "ct_state", out value, out mask),
            FieldFormat.TcpFlags => ParseFlagsField(s, TcpFlagNames, 0xfff, "TCP", out value, out mask),
            FieldFormat.Fragment => ParseFrag(s, out value, out mask),
            _ => ParseInteger(f, s, out value, out mask),
        };
        // mf_is_mask_valid: a field without arbitrary masking takes only "exact" (all bytes ones) or "any".
        var byteMask = Bytes(f) * 8 >= 128 ? UInt128.MaxValue : (UInt128.One << (Bytes(f) * 8)) - 1;
        if (error is null && !f.Maskable && mask != 0 && mask != byteMask && f.Format is not (FieldFormat.Fragment or FieldFormat.Port))
            error = $"{s}: invalid mask for field {f.OxmName}";
        return error;
    }

    // OVS stores fields in whole bytes (dl_vlan's 12 bits in 2 bytes), and range checks count bytes.
    private static int Bytes(OvsField f) => (f.Bits + 7) / 8;

    private static string? ParseInteger(OvsField f, string s, out UInt128 value, out UInt128 mask)
    {
        value = 0; mask = f.FullMask;
        int width = Bytes(f);
        string? err = CNumber.ParseFieldInt(s, width, out value, out int n);
        if (err is null && n < s.Length && s[n] != '/') err = "syntax";
        if (err is not null) return Message(err, "value");
        if (n < s.Length)
        {
            var rest = s.AsSpan(n + 1);
            err = CNumber.ParseFieldInt(rest, width, out mask, out int m);
            if (err is null && m != rest.Length) err = "syntax";
            if (err is not null) return Message(err, "mask");
        }
        else mask = width * 8 >= 128 ? UInt128.MaxValue : (UInt128.One << (width * 8)) - 1;
        return null;

        string Message(string kind, string what) => kind == "range"
            ? $"{s}: {what} too large for {width}-byte field {f.OxmName}"
            : $"{s}: bad syntax for {f.OxmName} {what}";
    }

    /// <summary>ETH_ADDR_SCAN_FMT: six hex numbers separated by ':', each read as scanf's %hhx does (any number of digits, low byte kept).</summary>
    internal static bool TryParseMac(ReadOnlySpan<char> s, out ulong mac, out int consumed)
    {
        mac = 0; consumed = 0;
        int i = 0;
        for (int octet = 0; octet < 6; octet++)
        {
            if (octet > 0) { if (i >= s.Length || s[i] != ':') return false; i++; }
            int start = i;
            uint v = 0;
            while (i < s.Length && Uri.IsHexDigit(s[i])) { v = (v << 4) | (uint)Uri.FromHex(s[i]); i++; }
            if (i == start) return false;
            mac = (mac << 8) | (v & 0xff);
        }
        consumed = i;
        return true;
    }

    /// <summary>inet_pton's IPv4 form, which OVS's str_to_ip (mod_nw_src/mod_nw_dst) uses: four decimal 0–255, no leading zeros.</summary>
    internal static bool TryParseIpStrict(string s, out uint ip)
    {
        ip = 0;
        var parts = s.Split('.');
        if (parts.Length != 4) return false;
        foreach (var p in parts)
        {
            if (p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit) || (p.Length > 1 && p[0] == '0')) return false;
            int v = int.Parse(p, System.Globalization.CultureInfo.InvariantCulture);
            if (v > 255) return false;
            ip = (ip << 8) | (uint)v;
        }
        return true;
    }

    private static string? ParseEthernet(string s, out UInt128 value, out UInt128 mask)
    {
        value = 0; mask = 0xffff_ffff_ffffUL;
        if (TryParseMac(s, out var mac, out int n))
        {
            value = mac;
            if (n == s.Length) return null;
            if (s[n] == '/' && TryParseMac(s.AsSpan(n + 1), out var m, out int n2) && n + 1 + n2 == s.Length)
            {
                mask = m;
                return null;
            }
        }
        return $"{s}: invalid Ethernet address";
    }

    /// <summary>IP_SCAN_FMT: four decimal numbers separated by dots, each read as scanf's %hhu does (300 wraps to 44, as in OVS).</summary>
    internal static bool TryParseIp(ReadOnlySpan<char> s, out uint ip, out int consumed)
    {
        ip = 0; consumed = 0;
        int i = 0;
        for (int part = 0; part < 4; part++)
        {
            if (part > 0) { if (i >= s.Length || s[i] != '.') return false; i++; }
            if (i >= s.Length || !char.IsAsciiDigit(s[i])) return false;
            if (!CNumber.TryParsePrefix(s[i..], 10, out var v, out int n, out _)) return false;
            ip = (ip << 8) | (byte)v;
            i += n;
        }
        consumed = i;
        return true;
    }

    /// <summary>OVS's <c>ip_parse_masked</c>.</summary>
    internal static string? ParseIpv4Masked(string s, out UInt128 value, out UInt128 mask)
    {
        value = 0; mask = uint.MaxValue;
        if (TryParseIp(s, out var ip, out int n))
        {
            value = ip;
            if (n == s.Length) return null;
            if (s[n] == '/')
            {
                var rest = s.AsSpan(n + 1);
                if (TryParseIp(rest, out var m, out int n2) && n2 == rest.Length) { mask = m; return null; }
                if (CNumber.TryParsePrefix(rest, 10, out var bits, out int n3, out _) && n3 == rest.Length)
                {
                    if ((long)bits < 0 || bits > 32) return $"{s}: IPv4 network prefix bits not between 0 and 32, inclusive";
                    mask = bits == 0 ? 0u : uint.MaxValue << (32 - (int)bits);
                    return null;
                }
            }
        }
        return $"{s}: invalid IP address";
    }

    /// <summary>OVS's <c>ofputil_port_from_string</c>: a decimal number or a reserved name.</summary>
    internal static bool TryParsePort(string s, out uint port)
    {
        port = 0;
        if (s.Length > 0 && s[0] == '-') return false;
        if (CNumber.TryParseAll(s, 10, out var n))
        {
            if (n < 0xffff) { port = (uint)n; return true; }
            if (n == 0xffff) { port = (uint)n; return true; }
            if (n < 0xffffff00) return false;
            if (n <= uint.MaxValue) { port = (uint)(n - 0xffff0000); return true; }
            return false;
        }
        return OfPort.TryParseName(s, out port);
    }

    private static string? ParsePortField(OvsField f, string s, out UInt128 value, out UInt128 mask)
    {
        if (f.Id == OvsFieldId.InPortOxm)
        {
            // mf_from_ofp_port_string32: the 32-bit OpenFlow 1.1+ number.
            value = 0; mask = uint.MaxValue;
            if (TryParsePort(s, out var p32)) { value = OfPort.ToOpenFlow11(p32); return null; }
            return $"{s}: port value out of range for {f.OxmName}";
        }
        value = 0; mask = 0xffff;
        if (TryParsePort(s, out var p)) { value = p; return null; }
        return $"{s}: invalid or unknown port for {f.OxmName}";
    }

    private static readonly (string Name, byte Mask, byte Value)[] Frags =
    [
        ("no", 3, 0), ("first", 3, 1), ("later", 3, 3), ("no", 1, 0), ("yes", 1, 1), ("not_later", 2, 0), ("later", 2, 2),
    ];

    private static string? ParseFrag(string s, out UInt128 value, out UInt128 mask)
    {
        value = 0; mask = 3;
        foreach (var (name, m, v) in Frags)
            if (s.Equals(name, StringComparison.OrdinalIgnoreCase)) { value = v; mask = m; return null; }
        return $"{s}: unknown fragment type (valid types are \"no\", \"yes\", \"first\", \"later\", \"not_later\"";
    }

    /// <summary>OVS's <c>parse_flags</c> for ct_state and tcp_flags: <c>N/M</c>, <c>+a-b</c>, or <c>a|b</c>/numbers.</summary>
    internal static string? ParseFlagsField(string s, string?[] names, uint allowed, string fieldName, out UInt128 value, out UInt128 mask)
    {
        value = 0; mask = allowed;
        // "%i/%i" numeric masked form.
        if (CNumber.TryParsePrefix(s, 0, out var nv, out int n1, out _) && n1 < s.Length && s[n1] == '/'
            && CNumber.TryParsePrefix(s.AsSpan(n1 + 1), 0, out var nm, out _, out _))
        {
            if (((uint)nv & ~allowed) != 0 || ((uint)nm & ~allowed) != 0 || nv > uint.MaxValue || nm > uint.MaxValue)
                return $"{s}: unknown {fieldName} flag(s)";
            value = (uint)nv; mask = (uint)nm;
            return null;
        }
        if (s.Length > 0 && s[0] is '+' or '-')
        {
            uint flags = 0, m = 0;
            int i = 0;
            while (i < s.Length)
            {
                bool set;
                if (s[i] == '+') set = true;
                else if (s[i] == '-') set = false;
                else return $"{s[i..]}: {fieldName} must be preceded by '+' (for SET) or '-' (NOT SET)";
                i++;
                int bit = -1;
                for (int b = 0; b < names.Length; b++)
                {
                    var name = names[b];
                    if (name is null || string.CompareOrdinal(s, i, name, 0, name.Length) != 0) continue;
                    int after = i + name.Length;
                    if (after < s.Length && s[after] is not ('+' or '-')) continue;
                    bit = b;
                    break;
                }
                if (bit < 0) return $"{s[(i - 1)..]}: unknown {fieldName} flag(s)";
                if ((m & (1u << bit)) != 0) return $"{s[(i - 1)..]}: Each {fieldName} flag can be specified only once";
                if (((1u << bit) & allowed) == 0) return $"{s[(i - 1)..]}: unknown {fieldName} flag(s)";
                if (set) flags |= 1u << bit;
                m |= 1u << bit;
                i += names[bit]!.Length;
            }
            value = flags; mask = m;
            return null;
        }
        // Unmasked: names or numbers separated by '|'.
        uint result = 0;
        int pos = 0;
        while (pos < s.Length)
        {
            if (CNumber.TryParsePrefix(s.AsSpan(pos), 0, out var num, out int nn, out _) && char.IsAsciiDigit(s[pos] is '+' or '-' ? 'x' : s[pos]))
            {
                if ((num & ~(ulong)allowed) != 0) return $"{s}: unknown {fieldName} flag(s)";
                result |= (uint)num;
                pos += nn;
                if (pos < s.Length && s[pos] == '|') pos++;
                continue;
            }
            int found = -1;
            for (int b = 0; b < names.Length; b++)
            {
                var name = names[b];
                if (name is null || string.CompareOrdinal(s, pos, name, 0, name.Length) != 0) continue;
                int after = pos + name.Length;
                if (after < s.Length && s[after] != '|') continue;
                found = b;
                break;
            }
            if (found < 0 || ((1u << found) & allowed) == 0) return $"{s}: unknown {fieldName} flag(s)";
            result |= 1u << found;
            pos += names[found]!.Length;
            if (pos < s.Length && s[pos] == '|') pos++;
        }
        value = result; mask = allowed;
        return null;
    }

    /// <summary>Parses an IPv4 address alone (for nat ranges): the value or null.</summary>
    internal static Ipv4Address? ParseIp(ReadOnlySpan<char> s, out int consumed) =>
        TryParseIp(s, out var ip, out consumed) ? new Ipv4Address(ip) : null;
}
