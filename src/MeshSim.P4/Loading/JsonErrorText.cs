using System.Text.Json;
using System.Text.RegularExpressions;

namespace MeshSim.P4.Loading;

/// <summary>
/// System.Text.Json's syntax errors carry their position twice over: as properties (0-based line, byte in
/// line) and again at the end of the message ("LineNumber: 5 | BytePositionInLine: 50."). This gives the
/// position once, 1-based in characters as editors count, and the message without its copy of it.
/// </summary>
public static partial class JsonErrorText
{
    /// <summary>The 1-based line and column of <paramref name="e"/> in <paramref name="json"/>, and its message alone.</summary>
    public static (int Line, int Column, string Message) Describe(JsonException e, string json)
    {
        int line = (int)(e.LineNumber ?? 0) + 1;
        int column = CharColumn(json, line, (int)(e.BytePositionInLine ?? 0)) + 1;
        var message = Suffix().Replace(e.Message, "").Trim().TrimEnd('.');
        return (line, column, message);
    }

    /// <summary>The character offset in line <paramref name="line"/> (1-based) at byte <paramref name="bytes"/> of its UTF-8 form.</summary>
    private static int CharColumn(string text, int line, int bytes)
    {
        int start = 0;
        for (int l = 1; l < line && start < text.Length; l++)
        {
            int nl = text.IndexOf('\n', start);
            if (nl < 0) return bytes;
            start = nl + 1;
        }
        int chars = 0, seen = 0;
        for (int i = start; i < text.Length && seen < bytes && text[i] != '\n'; i++, chars++)
        {
            // Surrogate pairs are 4 UTF-8 bytes over two chars; count them once, as editors do.
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length) { seen += 4; i++; continue; }
            seen += text[i] < 0x80 ? 1 : text[i] < 0x800 ? 2 : 3;
        }
        return chars;
    }

    [GeneratedRegex(@"\s*(Path: \S*\s*\|\s*)?LineNumber: \d+ \| BytePositionInLine: \d+\.?\s*$")]
    private static partial Regex Suffix();
}
