using System.Text.Json;

namespace MeshSim.P4.Loading;

/// <summary>
/// <see cref="JsonDocument"/> accepts strings it cannot decode later: invalid UTF-8 bytes and lone
/// surrogate escapes (<c>"\ud800"</c>) parse, and <see cref="JsonElement.GetString"/> or
/// <see cref="JsonProperty.Name"/> throw when someone reads them. Rather than guard each of the
/// loaders' reads, every string and property name is decoded once, right after parsing; past that
/// check no read can throw.
/// </summary>
internal static class JsonStrings
{
    /// <summary>The JSON path of the first string or property name that does not decode, or null when all do.</summary>
    public static string? FirstUndecodable(JsonElement root)
    {
        var pending = new Stack<(JsonElement Element, string Path)>();
        pending.Push((root, "$"));
        while (pending.Count > 0)
        {
            var (e, path) = pending.Pop();
            switch (e.ValueKind)
            {
                case JsonValueKind.String when !Decodes(e):
                    return path;
                case JsonValueKind.Array:
                {
                    int i = 0;
                    foreach (var item in e.EnumerateArray()) pending.Push((item, $"{path}[{i++}]"));
                    break;
                }
                case JsonValueKind.Object:
                    foreach (var p in e.EnumerateObject())
                    {
                        string name;
                        try { name = p.Name; }
                        catch (InvalidOperationException) { return path + ".<property name>"; }
                        pending.Push((p.Value, $"{path}.{name}"));
                    }
                    break;
            }
        }
        return null;
    }

    private static bool Decodes(JsonElement e)
    {
        try
        {
            _ = e.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;   // "Cannot transcode invalid UTF-8" or "invalid UTF-16 ... surrogate"
        }
    }
}
