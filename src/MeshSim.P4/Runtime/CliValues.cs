using System.Globalization;
using System.Net;
using MeshSim.P4.Model;

namespace MeshSim.P4.Runtime;

/// <summary>
/// Parses values the way simple_switch_CLI does: a 32-bit parameter may be a dotted IPv4 address,
/// a 48-bit one a colon MAC, a 128-bit one an IPv6 address; otherwise an integer in any Python
/// base-0 form (decimal, 0x hex, 0o octal, 0b binary). Values must fit in the byte-padded width.
/// </summary>
internal static class CliValues
{
    public static bool TryParse(string text, int bitwidth, out UInt128 value, out string error)
    {
        value = 0; error = "";
        if (bitwidth == 32 && text.Contains('.'))
        {
            var parts = text.Split('.');
            if (parts.Length != 4 || parts.Any(p => !byte.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _))) { error = "Invalid IPv4 address"; return false; }
            foreach (var p in parts) value = (value << 8) | byte.Parse(p, CultureInfo.InvariantCulture);
            return true;
        }
        if (bitwidth == 48 && text.Contains(':'))
        {
            var parts = text.Split(':');
            if (parts.Length != 6 || parts.Any(p => p.Length is < 1 or > 2 || !byte.TryParse(p, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _))) { error = "Invalid MAC address"; return false; }
            foreach (var p in parts) value = (value << 8) | byte.Parse(p, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            return true;
        }
        if (bitwidth == 128 && text.Contains(':'))
        {
            if (!IPAddress.TryParse(text, out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) { error = "Invalid IPv6 address"; return false; }
            value = Bits.FromBytes(ip.GetAddressBytes());
            return true;
        }
        if (!TryParseInt(text, out value, out bool negative)) { error = "Invalid input, could not cast to integer, try in hex with 0x prefix"; return false; }
        if (negative) { error = "Parameter is too large"; return false; }
        if (value > Bits.Mask(Bits.ByteWidth(bitwidth) * 8)) { error = "Parameter is too large"; return false; }
        return true;
    }

    /// <summary>Python <c>int(s, 0)</c>: optional sign, 0x/0o/0b prefixes, underscores between digits.</summary>
    public static bool TryParseInt(string s, out UInt128 value, out bool negative)
    {
        value = 0; negative = false;
        var t = s.Trim().Replace("_", "");
        if (t.StartsWith('-')) { negative = true; t = t[1..]; } else if (t.StartsWith('+')) t = t[1..];
        if (t.Length == 0) return false;
        int radix = 10;
        if (t.Length > 2 && t[0] == '0' && (t[1] is 'x' or 'X')) { radix = 16; t = t[2..]; }
        else if (t.Length > 2 && t[0] == '0' && (t[1] is 'o' or 'O')) { radix = 8; t = t[2..]; }
        else if (t.Length > 2 && t[0] == '0' && (t[1] is 'b' or 'B')) { radix = 2; t = t[2..]; }
        else if (t.Length > 1 && t[0] == '0' && t.Any(ch => ch != '0')) return false; // Python rejects "012"
        foreach (var ch in t)
        {
            int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : 99;
            if (d >= radix) return false;
            if (value > (UInt128.MaxValue - (UInt128)(uint)d) / (UInt128)(uint)radix) return false;
            value = value * (UInt128)(uint)radix + (UInt128)(uint)d;
        }
        return true;
    }

    public static string Bytes(UInt128 v, int width) => Bits.ToColonHex(v, width);
}
