namespace MeshSim.Ovs;

/// <summary>One <c>key[=:(]value</c> item of ovs-ofctl syntax, with 0-based offsets into the whole input.</summary>
internal readonly record struct KeyValue(string Key, int KeyOffset, string Value, int ValueOffset, char Delimiter);

/// <summary>
/// OVS's <c>ofputil_parse_key_value</c>: items are separated by commas or white space; a key ends at
/// one of <c>:=(</c>, comma or white space; after <c>:</c>/<c>=</c> the value runs to the next comma or
/// white space outside parentheses, after <c>(</c> to the matching <c>)</c> (and, for
/// <c>(x)-&gt;y</c>, on to the next delimiter).
/// </summary>
internal struct KeyValueScanner(string text, int start, int end)
{
    private int _pos = start;

    public bool Next(out KeyValue item)
    {
        while (_pos < end && IsSeparator(text[_pos])) _pos++;
        if (_pos >= end) { item = default; return false; }

        int keyStart = _pos;
        while (_pos < end && text[_pos] is not (':' or '=' or '(' or ',' or ' ' or '\t' or '\r' or '\n')) _pos++;
        string key = text[keyStart.._pos];
        char delim = _pos < end ? text[_pos] : '\0';
        if (_pos < end) _pos++;

        if (delim is not (':' or '=' or '('))
        {
            item = new KeyValue(key, keyStart, "", _pos - (delim == '\0' ? 0 : 1), delim);
            return true;
        }

        int valueStart = _pos;
        int len = ValueLength(valueStart, delim == '(' ? ")" : ", \t\r\n");
        if (delim == '(' && valueStart + len < end && text[valueStart + len] == ')'
            && valueStart + len + 2 < end + 1 && At(valueStart + len + 1) == '-' && At(valueStart + len + 2) == '>')
        {
            len += ValueLength(valueStart + len, ", \t\r\n");
        }
        string value = text.Substring(valueStart, len);
        _pos = valueStart + len + (valueStart + len < end ? 1 : 0);
        item = new KeyValue(key, keyStart, value, valueStart, delim);
        return true;
    }

    private char At(int i) => i < end ? text[i] : '\0';

    private static bool IsSeparator(char c) => c is ',' or ' ' or '\t' or '\r' or '\n';

    // parse_value: up to a delimiter, skipping over balanced parentheses.
    private int ValueLength(int from, string delimiters)
    {
        int n = 0;
        while (from + n < end && delimiters.IndexOf(text[from + n]) < 0)
        {
            if (text[from + n] == '(')
            {
                int level = 0;
                do
                {
                    if (from + n >= end) return n;
                    if (text[from + n] == '(') level++;
                    else if (text[from + n] == ')') level--;
                    n++;
                } while (level > 0);
            }
            else n++;
        }
        return n;
    }
}
