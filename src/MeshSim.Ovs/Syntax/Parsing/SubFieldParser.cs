namespace MeshSim.Ovs;

/// <summary>
/// OVS's <c>mf_parse_subfield</c>: <c>NAME</c>, <c>NAME[]</c>, <c>NAME[bit]</c> or <c>NAME[start..end]</c>, NAME an
/// NXM/OXM header name (a trailing <c>_W</c> is ignored, as OVS ignores it) or a field name. <c>tp_src</c>/<c>tp_dst</c>
/// resolve to <c>tcp_src</c>/<c>tcp_dst</c>, which is all they are to OVS outside a match.
/// </summary>
internal static class SubFieldParser
{
    private const string SyntaxError = "syntax error expecting [] or [<bit>] or [<start>..<end>]";

    /// <summary>The whole of <paramref name="s"/> as a subfield.</summary>
    public static bool TryParse(string s, out SubField sf, out string? error)
    {
        if (!TryParsePrefix(s, out sf, out int end, out error)) return false;
        if (end != s.Length) { error = $"{s}: trailing garbage following subfield"; return false; }
        return true;
    }

    /// <summary>
    /// <c>mf_parse_subfield__</c>: a subfield at the start of <paramref name="s"/>; <paramref name="end"/> is where it
    /// stops (callers decide what may follow, e.g. push/pop allow nothing).
    /// </summary>
    public static bool TryParsePrefix(string s, out SubField sf, out int end, out string? error)
    {
        sf = default; error = null; end = 0;
        int nameLen = s.IndexOfAny(['[', '-']);
        if (nameLen < 0) nameLen = s.Length;
        var name = s[..nameLen];
        if (!TryResolve(name, out var f))
        {
            error = $"{s}: unknown field `{name}'";
            return false;
        }
        f = OvsFields.Get(OvsFields.ActionField(f.Id));
        int start = 0, last = f.SubfieldBits - 1;
        int pos = nameLen;
        if (pos < s.Length && s[pos] == '[')
        {
            int close = s.IndexOf(']', pos);
            var inner = close < 0 ? null : s[(pos + 1)..close];
            if (inner is null) { error = $"{s}: {SyntaxError}"; return false; }
            if (inner.Length == 0) { }
            else if (inner.IndexOf("..", StringComparison.Ordinal) is int dots and >= 0
                     && int.TryParse(inner[..dots], out start) && int.TryParse(inner[(dots + 2)..], out last)) { }
            else if (int.TryParse(inner, out start)) last = start;
            else { error = $"{s}: {SyntaxError}"; return false; }
            pos = close + 1;
        }
        if (start > last) { error = $"{s}: starting bit {start} is after ending bit {last}"; return false; }
        if (start >= f.SubfieldBits) { error = $"{s}: starting bit {start} is not valid because field is only {f.SubfieldBits} bits wide"; return false; }
        if (last >= f.SubfieldBits) { error = $"{s}: ending bit {last} is not valid because field is only {f.SubfieldBits} bits wide"; return false; }
        sf = new SubField(f.Id, start, last - start + 1);
        end = pos;
        return true;
    }

    // mf_parse_subfield_name, then mf_from_name.
    private static bool TryResolve(string name, out OvsField f)
    {
        var header = name.Length > 2 && name.EndsWith("_W", StringComparison.Ordinal) ? name[..^2] : name;
        return OvsFields.TryGetHeader(header, out f) || OvsFields.TryGetName(name, out f);
    }
}
