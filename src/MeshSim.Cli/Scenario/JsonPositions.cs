using System.Text;
using System.Text.Json;

namespace MeshSim.Cli.Scenario;

/// <summary>
/// Line and column of a member of a JSON text, by the path messages name it with
/// (<c>table_entries[2].action_name</c>, <c>hosts.h1</c>, <c>links[3][2]</c>; keys are taken whole, so
/// <c>match.hdr.ipv4.dstAddr</c> finds the key "hdr.ipv4.dstAddr"). System.Text.Json's documents keep no
/// positions, so the text is read once more with a token reader that does.
/// </summary>
public static class JsonPositions
{
    /// <summary>The 1-based position of the value at <paramref name="path"/>, or of its nearest enclosing
    /// member that exists; line 1, column 1 when the text cannot be read.</summary>
    public static (int Line, int Column) Locate(string json, string path)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var starts = Index(bytes);
        var want = Normalize(path);
        while (true)
        {
            if (starts.TryGetValue(want, out var offset)) return LineColumn(bytes, offset);
            if (want.Length == 0) return (1, 1);
            want = Parent(want);
        }
    }

    /// <summary>Every value's path and byte offset, first occurrence kept.</summary>
    private static Dictionary<string, long> Index(byte[] bytes)
    {
        var starts = new Dictionary<string, long>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        // One frame per open container: its path, whether it is an array and the next index, the pending key.
        var stack = new Stack<(string Path, bool Array, int Next)>();
        string? key = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName) { key = reader.GetString(); continue; }
                if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray) { stack.Pop(); continue; }
                string here;
                if (stack.Count == 0) here = "";
                else
                {
                    var top = stack.Pop();
                    here = top.Array ? $"{top.Path}[{top.Next}]" : top.Path.Length == 0 ? key ?? "" : $"{top.Path}.{key}";
                    stack.Push(top.Array ? top with { Next = top.Next + 1 } : top);
                }
                starts.TryAdd(here, reader.TokenStartIndex);
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    stack.Push((here, reader.TokenType == JsonTokenType.StartArray, 0));
            }
        }
        catch (JsonException)
        {
            // A file that stops being JSON part-way still locates what came before.
        }
        return starts;
    }

    /// <summary>"$.a.b" and "$" as messages sometimes write them are "a.b" and "".</summary>
    private static string Normalize(string path) =>
        path == "$" ? "" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.StartsWith('$') ? path[1..] : path;

    /// <summary>The enclosing member: "a.b[2]" → "a.b" → "a" → "". A key holding dots is reached in steps too, which ends at its parent.</summary>
    private static string Parent(string path)
    {
        int cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }

    private static (int Line, int Column) LineColumn(byte[] bytes, long offset)
    {
        int line = 1, column = 1;
        for (long i = 0; i < offset && i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n') { line++; column = 1; }
            else if ((bytes[i] & 0xC0) != 0x80) column++;   // count characters, not UTF-8 continuation bytes
        }
        return (line, column);
    }
}
