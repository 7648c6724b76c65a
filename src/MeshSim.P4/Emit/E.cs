using System.Globalization;
using System.Text.Json.Nodes;

namespace MeshSim.P4.Emit;

/// <summary>
/// Builders for bmv2 type/value objects and expressions (docs/JSON_format.md, "The type value
/// object"). Each returns a fresh <see cref="JsonObject"/> so results can be placed anywhere.
/// </summary>
public static class E
{
    public static JsonObject F(string header, string field) => new() { ["type"] = "field", ["value"] = new JsonArray(header, field) };
    public static JsonObject Hex(ulong v) => new() { ["type"] = "hexstr", ["value"] = HexStr(v) };
    public static JsonObject Hex(UInt128 v, int width) => new() { ["type"] = "hexstr", ["value"] = HexStr(v, width) };
    public static JsonObject Bool(bool v) => new() { ["type"] = "bool", ["value"] = v };
    public static JsonObject Param(int index) => new() { ["type"] = "runtime_data", ["value"] = index };
    public static JsonObject Local(int index) => new() { ["type"] = "local", ["value"] = index };
    public static JsonObject Header(string name) => new() { ["type"] = "header", ["value"] = name };
    public static JsonObject Str(string s) => new() { ["type"] = "string", ["value"] = s };
    public static JsonObject Named(string type, string name) => new() { ["type"] = type, ["value"] = name };
    /// <summary>A parser lookahead: <paramref name="width"/> bits at <paramref name="bitOffset"/> from the cursor.</summary>
    public static JsonObject Lookahead(int bitOffset, int width) => new() { ["type"] = "lookahead", ["value"] = new JsonArray(bitOffset, width) };
    public static JsonObject Register(string name, JsonObject index) => new() { ["type"] = "register", ["value"] = new JsonArray(name, Inner(index)) };

    /// <summary>A binary or unary (<paramref name="left"/> null) expression.</summary>
    public static JsonObject Op(string op, JsonObject? left, JsonObject right) => new()
    {
        ["type"] = "expression",
        ["value"] = new JsonObject { ["op"] = op, ["left"] = InExpr(left), ["right"] = InExpr(right) },
    };

    public static JsonObject Ternary(JsonObject cond, JsonObject left, JsonObject right) => new()
    {
        ["type"] = "expression",
        ["value"] = new JsonObject { ["op"] = "?", ["left"] = InExpr(left), ["right"] = InExpr(right), ["cond"] = InExpr(cond) },
    };

    /// <summary>Inside expressions bmv2 wants action parameters as <c>local</c>, not <c>runtime_data</c> (JSON_format.md); nodes are copied if already placed.</summary>
    private static JsonNode? InExpr(JsonObject? o)
    {
        if (o is null) return null;
        if ((string?)o["type"] == "runtime_data") return Local((int)o["value"]!);
        return o.Parent is null ? o : o.DeepClone();
    }

    /// <summary>An arithmetic result truncated to <paramref name="width"/> bits, as p4c emits (<c>(a op b) &amp; mask</c>).</summary>
    public static JsonObject Arith(string op, JsonObject a, JsonObject b, int width) =>
        Op("&", Op(op, a, b), Hex(UInt128.MaxValue >> (128 - width), width));

    public static JsonObject Eq(JsonObject a, JsonObject b) => Op("==", a, b);
    public static JsonObject And(JsonObject a, JsonObject b) => Op("and", a, b);
    public static JsonObject Not(JsonObject a) => Op("not", null, a);
    public static JsonObject D2B(JsonObject a) => Op("d2b", null, a);
    public static JsonObject B2D(JsonObject a) => Op("b2d", null, a);
    public static JsonObject IsValid(string header) => D2B(F(header, "$valid$"));

    private static JsonNode Inner(JsonObject o) => o.DeepClone();

    /// <summary>An operand as a primitive's or parser op's parameter. bmv2 hands a parameter's
    /// <c>value</c> to <c>build_expression</c>, which wants a type/value object, so an expression
    /// parameter is wrapped once more, as p4c writes it:
    /// <c>{"type":"expression","value":{"type":"expression","value":{"op":...}}}</c>. Inside
    /// expressions (operands, conditionals) the single wrapping is right.</summary>
    public static JsonObject AsParameter(JsonObject o) =>
        (string?)o["type"] == "expression" && o["value"] is JsonObject { } v && v.ContainsKey("op")
            ? new JsonObject { ["type"] = "expression", ["value"] = o.Parent is null ? o : o.DeepClone() }
            : o;

    public static string HexStr(ulong v) => "0x" + v.ToString("x", CultureInfo.InvariantCulture).PadLeft(2, '0');

    /// <summary>A hexstr padded to the byte width of <paramref name="width"/> bits (the form bmv2 wants for keys and masks).</summary>
    public static string HexStr(UInt128 v, int width)
    {
        int digits = (width + 7) / 8 * 2;
        return "0x" + v.ToString("x", CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }
}
