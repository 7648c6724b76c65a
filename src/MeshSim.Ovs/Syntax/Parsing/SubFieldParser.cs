namespace MeshSim.Ovs;

/// <summary>OVS's <c>mf_parse_subfield</c>: <c>NAME</c>, <c>NAME[]</c>, <c>NAME[bit]</c> or <c>NAME[start..end]</c>, NAME an NXM/OXM or field name.</summary>
internal static class SubFieldParser
{
    public static bool TryParse(string s, out SubField sf, out string? error)
    {
        sf = default; error = null;
        int nameLen = s.IndexOfAny(['[', '-']);
        if (nameLen < 0) nameLen = s.Length;
        var name = s[..nameLen];
        if (!OvsFields.TryGet(name, out var f))
        {
            error = $"{s}: unknown field `{name}'";
            return false;
        }
        int start = 0, end = f.Bits - 1;
        int pos = nameLen;
        if (pos < s.Length && s[pos] == '[')
        {
            int close = s.IndexOf(']', pos);
            var inner = close < 0 ? null : s[(pos + 1)..close];
            if (inner is null) { error = $"{s}: syntax error expecting [] or [<bit>] or [<start>..<end>]"; return false; }
            if (inner.Length == 0) { }
            else if (inner.IndexOf("..", StringComparison.Ordinal) is int dots and >= 0
                     && int.TryParse(inner[..dots], out start) && int.TryParse(inner[(dots + 2)..], out end)) { }
            else if (int.TryParse(inner, out start)) end = start;
            else { error = $"{s}: syntax error expecting [] or [<bit>] or [<start>..<end>]"; return false; }
            pos = close + 1;
        }
        if (pos != s.Length) { error = $"{s}: trailing garbage following subfield"; return false; }
        if (start > end) { error = $"{s}: starting bit {start} is after ending bit {end}"; return false; }
        if (start >= f.Bits) { error = $"{s}: starting bit {start} is not valid because field is only {f.Bits} bits wide"; return false; }
        if (end >= f.Bits) { error = $"{s}: ending bit {end} is not valid because field is only {f.Bits} bits wide"; return false; }
        sf = new SubField(f.Id, start, end - start + 1);
        return true;
    }
}
