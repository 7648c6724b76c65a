using System.Text;

namespace MeshSim.Cli.Metrics;

/// <summary>The lab's <c>metrics PREFIX</c>: an exposition cut down to the families whose names start with a prefix.</summary>
public static class LabMetrics
{
    /// <summary>The families of <paramref name="exposition"/> (HELP, TYPE and samples) whose names start with <paramref name="prefix"/>; all of it when the prefix is empty.</summary>
    public static string Filter(string exposition, string prefix)
    {
        if (prefix.Length == 0) return exposition;
        var sb = new StringBuilder();
        foreach (var line in exposition.Split('\n'))
        {
            var name = line.StartsWith("# ", StringComparison.Ordinal) ? line.Split(' ') is { Length: > 2 } w ? w[2] : "" : line;
            if (line.Length > 0 && name.StartsWith(prefix, StringComparison.Ordinal)) sb.Append(line).Append('\n');
        }
        return sb.Length > 0 ? sb.ToString() : $"no series start with {prefix}\n";
    }
}
