namespace MeshSim.Ovs;

/// <summary>
/// Integer parsing with C's <c>strtoull(s, &amp;tail, base)</c> rules, which OVS uses everywhere: base 0
/// means <c>0x</c> hex, leading <c>0</c> octal, otherwise decimal; leading white space and a sign are
/// accepted (a minus wraps around, as in C).
/// </summary>
internal static class CNumber
{
    /// <summary>Parses a prefix of <paramref name="s"/>; returns false when no digits were consumed. <paramref name="overflow"/> reports ERANGE.</summary>
    public static bool TryParsePrefix(ReadOnlySpan<char> s, int @base, out ulong value, out int consumed, out bool overflow)
    {
        value = 0; consumed = 0; overflow = false;
        int i = 0;
        while (i < s.Length && s[i] is ' ' or '\t' or '\r' or '\n' or '\v' or '\f') i++;
        bool negative = false;
        if (i < s.Length && s[i] is '+' or '-') { negative = s[i] == '-'; i++; }
        if (@base == 0 || @base == 16)
        {
            if (i + 1 < s.Length && s[i] == '0' && s[i + 1] is 'x' or 'X' && i + 2 < s.Length && Digit(s[i + 2]) is >= 0 and < 16)
            {
                i += 2; @base = 16;
            }
            else if (@base == 0) @base = i < s.Length && s[i] == '0' ? 8 : 10;
        }
        int digitsStart = i;
        ulong v = 0;
        while (i < s.Length)
        {
            int d = Digit(s[i]);
            if (d < 0 || d >= @base) break;
            if (v > (ulong.MaxValue - (ulong)d) / (ulong)@base) overflow = true;
            else v = v * (ulong)@base + (ulong)d;
            i++;
        }
        if (i == digitsStart) return false;
        value = overflow ? ulong.MaxValue : negative ? (ulong)(-(long)v) : v;
        consumed = i;
        return true;
    }

    /// <summary>The whole string as an integer in <paramref name="base"/>; false on junk or overflow.</summary>
    public static bool TryParseAll(ReadOnlySpan<char> s, int @base, out ulong value) =>
        TryParsePrefix(s, @base, out value, out int n, out bool overflow) && n == s.Length && !overflow;

    /// <summary>OVS's <c>str_to_int</c>/<c>str_to_u16</c>: a signed base-0 integer, the whole string, within [min, max].</summary>
    public static bool TryParseRange(ReadOnlySpan<char> s, long min, long max, out long value)
    {
        value = 0;
        if (s.IsEmpty) return false;
        if (!TryParsePrefix(s, 0, out var u, out int n, out bool overflow) || n != s.Length || overflow) return false;
        var trimmed = s.TrimStart();
        bool negative = trimmed.Length > 0 && trimmed[0] == '-';
        long v = negative ? (long)u : (long)u;
        if (!negative && u > long.MaxValue) return false;
        if (v < min || v > max) return false;
        value = v;
        return true;
    }

    /// <summary>OVS's <c>ofputil_table_from_string</c>: a decimal table number (no hex, no sign) within [0, max].</summary>
    public static bool TryParseTable(ReadOnlySpan<char> s, long max, out long value)
    {
        value = 0;
        var t = s.TrimStart();
        if (t.IsEmpty || t[0] == '-') return false;
        if (!TryParsePrefix(s, 10, out var u, out int n, out bool overflow) || n != s.Length || overflow || u > (ulong)max) return false;
        value = (long)u;
        return true;
    }

    private static int Digit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'z' => c - 'a' + 10,
        >= 'A' and <= 'Z' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>
    /// OVS's <c>parse_int_string</c> for a field of <paramref name="widthBytes"/> bytes: hex (any length,
    /// leading zeros free) after <c>0x</c>, else strtoull base 0. Returns null on success, "range" when the
    /// value does not fit, "syntax" otherwise; <paramref name="consumed"/> is where parsing stopped.
    /// </summary>
    public static string? ParseFieldInt(ReadOnlySpan<char> s, int widthBytes, out UInt128 value, out int consumed)
    {
        value = 0; consumed = 0;
        if (s.Length >= 2 && s[0] == '0' && s[1] is 'x' or 'X')
        {
            int i = 2, significant = 0;
            UInt128 v = 0;
            while (i < s.Length)
            {
                while (i < s.Length && s[i] is ' ' or '\t' or '\r' or '\n') i++;
                if (i >= s.Length) break;
                int d = Digit(s[i]);
                if (d < 0 || d >= 16) break;
                if (d != 0 || significant > 0)
                {
                    if ((significant + 2) / 2 > widthBytes) { consumed = i; return "range"; }
                    significant++;
                    v = (v << 4) | (uint)d;
                }
                i++;
            }
            value = v; consumed = i;
            return null;
        }
        if (!TryParsePrefix(s, 0, out var u, out int n, out bool overflow)) return "syntax";
        consumed = n;
        if (overflow) return "range";
        if (widthBytes < 8 && (u >> (widthBytes * 8)) != 0) return "range";
        value = u;
        return null;
    }
}
