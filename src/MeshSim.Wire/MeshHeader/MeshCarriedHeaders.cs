using System.Text;

namespace MeshSim.Wire;

/// <summary>
/// Which HTTP header fields a mesh header carries (the rest stay in the HTTP head only). Names match
/// case-insensitively; the mesh header writes them lower case. Carry nothing secret: the mesh header
/// is never encrypted.
/// </summary>
public sealed class MeshCarriedHeaders
{
    private readonly byte[][] _names;

    private MeshCarriedHeaders(byte[][] names, bool all)
    {
        _names = names;
        CarriesAll = all;
    }

    /// <summary>host, content-type, content-length, x-request-id: routing, body framing and tracing.</summary>
    public static MeshCarriedHeaders Default { get; } = Of("host", "content-type", "content-length", "x-request-id");

    /// <summary>Every header field (up to the format's limits).</summary>
    public static MeshCarriedHeaders All { get; } = new([], all: true);

    /// <summary>No header fields: method, route and status only.</summary>
    public static MeshCarriedHeaders None { get; } = new([], all: false);

    /// <summary>Carries exactly the named fields. Names must be tokens (checked, <see cref="ArgumentException"/> otherwise).</summary>
    public static MeshCarriedHeaders Of(params string[] names)
    {
        var bytes = new byte[names.Length][];
        for (int i = 0; i < names.Length; i++)
        {
            bytes[i] = Encoding.Latin1.GetBytes(names[i].ToLowerInvariant());
            if (!HttpMethods.IsToken(bytes[i])) throw new ArgumentException($"'{names[i]}' is not an HTTP header name", nameof(names));
        }
        return new MeshCarriedHeaders(bytes, all: false);
    }

    /// <summary>True when every field is carried.</summary>
    public bool CarriesAll { get; }

    /// <summary>The configured names, lower case, in configuration order.</summary>
    public IEnumerable<string> Names => _names.Select(n => Encoding.Latin1.GetString(n));

    /// <summary>True when a field called <paramref name="name"/> (any case) is carried.</summary>
    public bool Carries(ReadOnlySpan<byte> name)
    {
        if (CarriesAll) return true;
        foreach (var n in _names)
            if (System.Text.Ascii.EqualsIgnoreCase(n, name)) return true;
        return false;
    }
}
