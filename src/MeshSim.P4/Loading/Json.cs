using System.Text.Json;
using MeshSim.P4.Model;

namespace MeshSim.P4.Loading;

/// <summary>Small typed accessors over <see cref="JsonElement"/> that fail with the JSON path and what was expected.</summary>
internal static class Json
{
    /// <summary>The element's JSON text, shortened, for messages; "(missing)" for an absent member (default element).</summary>
    public static string Snip(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Undefined) return "(missing)";
        var s = e.GetRawText();
        s = string.Join(' ', s.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return s.Length > 120 ? s[..117] + "..." : s;
    }

    public static JsonElement Req(JsonElement o, string key, string path)
    {
        if (o.ValueKind != JsonValueKind.Object) throw new LoadException(path, "expected an object", Snip(o));
        if (!o.TryGetProperty(key, out var v)) throw new LoadException(path, $"missing attribute \"{key}\"", Snip(o));
        return v;
    }

    public static bool Has(JsonElement o, string key, out JsonElement v)
    {
        v = default;
        return o.ValueKind == JsonValueKind.Object && o.TryGetProperty(key, out v) && v.ValueKind != JsonValueKind.Null;
    }

    public static string Str(JsonElement o, string key, string path)
    {
        var v = Req(o, key, path);
        return v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new LoadException($"{path}.{key}", "expected a string", Snip(v));
    }

    public static string? OptStr(JsonElement o, string key) => Has(o, key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static int Int(JsonElement o, string key, string path)
    {
        var v = Req(o, key, path);
        return AsInt(v, $"{path}.{key}");
    }

    public static int AsInt(JsonElement v, string path) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : throw new LoadException(path, "expected an integer", Snip(v));

    public static bool Bool(JsonElement o, string key, bool dflt) =>
        Has(o, key, out var v) ? v.ValueKind == JsonValueKind.True : dflt;

    public static IEnumerable<(JsonElement Item, string Path)> Items(JsonElement o, string key, string path)
    {
        if (!Has(o, key, out var arr)) yield break;
        if (arr.ValueKind != JsonValueKind.Array) throw new LoadException($"{path}.{key}", "expected an array", Snip(arr));
        int i = 0;
        foreach (var item in arr.EnumerateArray()) { yield return (item, $"{(path.Length == 0 ? "" : path + ".")}{key}[{i}]"); i++; }
    }

    public static IEnumerable<(JsonElement Item, string Path)> Elements(JsonElement arr, string path)
    {
        if (arr.ValueKind != JsonValueKind.Array) throw new LoadException(path, "expected an array", Snip(arr));
        int i = 0;
        foreach (var item in arr.EnumerateArray()) { yield return (item, $"{path}[{i}]"); i++; }
    }

    public static UInt128 Hex(JsonElement v, string path)
    {
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n)) return n >= 0 ? (UInt128)(ulong)n : UInt128.Zero - (UInt128)(ulong)(-n);
        if (v.ValueKind == JsonValueKind.String && Bits.TryParseHexStr(v.GetString(), out var x)) return x;
        throw new LoadException(path, "expected a hexstr such as \"0x0a\" (at most 128 bits)", Snip(v));
    }

    public static (string, string) Pair(JsonElement v, string path)
    {
        if (v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == 2 && v[0].ValueKind == JsonValueKind.String && v[1].ValueKind == JsonValueKind.String)
            return (v[0].GetString()!, v[1].GetString()!);
        throw new LoadException(path, "expected a [header, field] pair", Snip(v));
    }
}
