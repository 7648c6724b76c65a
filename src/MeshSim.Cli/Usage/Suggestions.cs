namespace MeshSim.Cli.Usage;

/// <summary>
/// "Did you mean" for mistyped names (commands, options, scenario keys): the known name nearest
/// by edit distance, offered only when it is close, so a word unrelated to every name gets no guess.
/// </summary>
public static class Suggestions
{
    /// <summary>The candidate closest to <paramref name="word"/>, or null when none is close: at most
    /// two edits, or a third of the word's length for long words, and never a tie between two names.
    /// Case is ignored when measuring, since "RUN" means "run".</summary>
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        bool tie = false;
        foreach (var c in candidates.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (c == word) continue;
            int d = Distance(word.ToLowerInvariant(), c.ToLowerInvariant());
            if (d < bestDistance) { bestDistance = d; best = c; tie = false; }
            else if (d == bestDistance) tie = true;
        }
        // A guess between equally near names (h9: h1 or h2?) would mislead; the caller lists them instead.
        if (tie) return null;
        return bestDistance <= Math.Max(2, word.Length / 3) && bestDistance < Math.Max(word.Length, 1) ? best : null;
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions, one each.</summary>
    public static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
