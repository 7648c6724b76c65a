namespace MeshSim.Fuzz;

/// <summary>The repository's own files, the seed corpora: scenarios, captures, programs, rule files,
/// and each target's checked-in corpus under <c>tools/fuzz/corpus/TARGET/</c>.</summary>
public sealed class RepoFiles(string root)
{
    /// <summary>The repository root.</summary>
    public string Root { get; } = root;

    /// <summary>Finds the repository root above <paramref name="start"/> (the folder holding MeshSim.sln).</summary>
    public static RepoFiles Locate(string? start = null)
    {
        for (var dir = new DirectoryInfo(start ?? AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MeshSim.sln"))) return new RepoFiles(dir.FullName);
        throw new DirectoryNotFoundException("no MeshSim.sln above " + (start ?? AppContext.BaseDirectory));
    }

    /// <summary>Every file under <paramref name="relativeDir"/> whose name ends with one of <paramref name="suffixes"/>,
    /// in ordinal path order (so the corpus, and the campaign, are the same on every machine).</summary>
    public IEnumerable<byte[]> Files(string relativeDir, params string[] suffixes)
    {
        var dir = Path.Combine(Root, relativeDir);
        if (!Directory.Exists(dir)) return [];
        return Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Where(f => suffixes.Length == 0 || suffixes.Any(s => f.EndsWith(s, StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes)
            .ToList();
    }

    /// <summary>The checked-in corpus of <paramref name="target"/>: seeds and every crasher found so far.</summary>
    public IEnumerable<byte[]> Corpus(string target) => Files(Path.Combine("tools", "fuzz", "corpus", target));
}
