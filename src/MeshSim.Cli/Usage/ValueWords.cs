using System.Globalization;
using System.Numerics;

namespace MeshSim.Cli.Usage;

/// <summary>What an option or argument of a given .NET type accepts, in plain words ("a whole number"),
/// and whether a value fits it: the command line's type errors are told to people, not to programmers.</summary>
public static class ValueWords
{
    /// <summary>Plain words for what <paramref name="type"/> accepts.</summary>
    public static string Describe(Type type)
    {
        var t = Element(type);
        if (IsInteger(t)) return "a whole number";
        if (t == typeof(bool)) return "true or false";
        if (t == typeof(double) || t == typeof(float) || t == typeof(decimal)) return "a number";
        if (t == typeof(FileInfo)) return "a file";
        if (t == typeof(DirectoryInfo)) return "a directory";
        return "a value";
    }

    /// <summary>Null when <paramref name="value"/> converts to <paramref name="type"/>; else what was expected,
    /// with the range when the value is a whole number that does not fit.</summary>
    public static string? Problem(Type type, string value)
    {
        var t = Element(type);
        if (IsInteger(t))
        {
            if (!BigInteger.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return Describe(t);
            var (min, max) = Range(t);
            return n >= min && n <= max ? null : $"a whole number from {min} to {max}";
        }
        if (t == typeof(bool)) return bool.TryParse(value, out _) ? null : Describe(t);
        if (t == typeof(double) || t == typeof(float) || t == typeof(decimal))
            return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? null : Describe(t);
        return null;
    }

    private static Type Element(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsArray) t = t.GetElementType()!;
        return Nullable.GetUnderlyingType(t) ?? t;
    }

    private static bool IsInteger(Type t) =>
        t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(sbyte) ||
        t == typeof(uint) || t == typeof(ulong) || t == typeof(ushort) || t == typeof(byte);

    private static (BigInteger Min, BigInteger Max) Range(Type t) =>
        t == typeof(int) ? (int.MinValue, int.MaxValue) :
        t == typeof(long) ? (long.MinValue, long.MaxValue) :
        t == typeof(short) ? (short.MinValue, short.MaxValue) :
        t == typeof(sbyte) ? (sbyte.MinValue, sbyte.MaxValue) :
        t == typeof(uint) ? (0, uint.MaxValue) :
        t == typeof(ushort) ? (0, ushort.MaxValue) :
        t == typeof(byte) ? (0, byte.MaxValue) :
        (0, ulong.MaxValue);
}
