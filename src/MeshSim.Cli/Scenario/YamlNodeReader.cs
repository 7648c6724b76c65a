using MeshSim.Cli.Usage;
using YamlDotNet.RepresentationModel;

namespace MeshSim.Cli.Scenario;

/// <summary>
/// A YAML node with its file position and path ("links[2].latency"), so every binding error can say
/// where it is and what was expected. Scalars are always read as TEXT and converted by MeshSim,
/// never by a YAML 1.1 resolver (which would read 52:54:00:12:34:56 as a base-60 integer).
/// </summary>
internal readonly struct YamlNodeReader(string file, YamlNode node, string path)
{
    public YamlNode Node => node;
    public string Path => path;
    public Position At => new((int)node.Start.Line, (int)node.Start.Column, path);

    public ScenarioException Error(string message) => new(file, At, message);

    public bool IsScalar => node is YamlScalarNode;
    public bool IsMapping => node is YamlMappingNode;
    public bool IsSequence => node is YamlSequenceNode;

    /// <summary>The scalar's text; an error naming <paramref name="expected"/> for a mapping or sequence.</summary>
    public string Text(string expected) => node is YamlScalarNode s ? s.Value ?? "" : throw Error($"expected {expected}, got a {Kind}");

    public MappingReader Mapping(string expected = "a mapping") =>
        node is YamlMappingNode m ? new MappingReader(file, m, path) : throw Error($"expected {expected}, got {Describe()}");

    public IEnumerable<YamlNodeReader> Sequence(string expected = "a list")
    {
        if (node is not YamlSequenceNode seq) throw Error($"expected {expected}, got {Describe()}");
        return Items(seq);
    }

    private IEnumerable<YamlNodeReader> Items(YamlSequenceNode seq)
    {
        int i = 0;
        foreach (var child in seq.Children) yield return new YamlNodeReader(file, child, $"{path}[{i++}]");
    }

    private string Kind => node switch { YamlMappingNode => "mapping", YamlSequenceNode => "list", _ => "scalar" };

    private string Describe() => node is YamlScalarNode s ? $"\"{s.Value}\"" : $"a {Kind}";
}

/// <summary>Reads a mapping key by key; <see cref="Finish"/> rejects keys nobody asked for, with a "did you mean".</summary>
internal sealed class MappingReader(string file, YamlMappingNode map, string path)
{
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public YamlNodeReader Self => new(file, map, path);

    /// <summary>The keys in file order.</summary>
    public IEnumerable<(string Key, YamlNodeReader Value)> Entries()
    {
        foreach (var (k, v) in map.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? throw new YamlNodeReader(file, k, path).Error("expected a plain key");
            _known.Add(key);
            yield return (key, new YamlNodeReader(file, v, Join(key)));
        }
    }

    /// <summary>The keys in file order with where each key is written, for errors about the key itself.</summary>
    public IEnumerable<(string Key, Position KeyAt, YamlNodeReader Value)> KeyedEntries()
    {
        foreach (var (k, v) in map.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? throw new YamlNodeReader(file, k, path).Error("expected a plain key");
            _known.Add(key);
            yield return (key, new YamlNodeReader(file, k, Join(key)).At, new YamlNodeReader(file, v, Join(key)));
        }
    }

    public YamlNodeReader? Optional(string key)
    {
        _known.Add(key);
        foreach (var (k, v) in map.Children)
            if (k is YamlScalarNode s && s.Value == key) return new YamlNodeReader(file, v, Join(key));
        return null;
    }

    /// <summary>Declares every key this mapping may hold, so a missing required key can be told from a
    /// misspelt one before all of them have been read.</summary>
    public MappingReader Keys(params string[] keys)
    {
        _known.UnionWith(keys);
        return this;
    }

    /// <summary>The value of <paramref name="key"/>; when it is absent but an unread key is a near miss
    /// of it (<c>acton:</c> for <c>action:</c>), the error points at that key rather than the mapping.</summary>
    public YamlNodeReader Required(string key, string expected)
    {
        if (Optional(key) is { } value) return value;
        foreach (var (k, _) in map.Children)
            if (k is YamlScalarNode s && s.Value is { } name && !_known.Contains(name) && Suggestions.Closest(name, [key]) == key)
                throw new YamlNodeReader(file, k, Join(name)).Error($"unknown key '{name}'; did you mean '{key}'?");
        throw Self.Error($"missing key '{key}' ({expected})");
    }

    /// <summary>Fails on the first key that was never read, suggesting the closest known one.</summary>
    public void Finish()
    {
        foreach (var (k, _) in map.Children)
        {
            if (k is not YamlScalarNode s || s.Value is null || _known.Contains(s.Value)) continue;
            var hint = Suggestions.Closest(s.Value, _known);
            var reader = new YamlNodeReader(file, k, Join(s.Value));
            throw reader.Error($"unknown key '{s.Value}'" + (hint is null ? $" (expected one of: {string.Join(", ", _known.Order(StringComparer.Ordinal))})" : $"; did you mean '{hint}'?"));
        }
    }

    private string Join(string key) => path.Length == 0 ? key : $"{path}.{key}";
}
