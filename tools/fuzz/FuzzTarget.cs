namespace MeshSim.Fuzz;

/// <summary>
/// One parser under fuzz. <see cref="Run"/> feeds it an input and returns a short signature of the
/// outcome (accepted, or which kind of error); the only way to report a defect is to let an
/// exception escape, so a target catches exactly the error types its parser documents and nothing
/// else. The signature steers the campaign: an input whose outcome is new joins the corpus.
/// </summary>
public abstract class FuzzTarget
{
    /// <summary>The name used with <c>--target</c>.</summary>
    public abstract string Name { get; }

    /// <summary>What is fuzzed, in one line.</summary>
    public abstract string Description { get; }

    /// <summary>Valid (and some invalid) inputs from the repository to start from.</summary>
    public abstract IEnumerable<byte[]> Seeds(RepoFiles repo);

    /// <summary>Tokens of the format that the mutator inserts and substitutes.</summary>
    public virtual IReadOnlyList<string> Dictionary => [];

    /// <summary>Open/close pairs for structure-aware depth bombs (empty: the format does not nest).</summary>
    public virtual IReadOnlyList<(string Open, string Close)> Nesting => [];

    /// <summary>Inputs never grow beyond this many bytes, so one mutation cannot eat the budget (and a slow
    /// parser shows as slow inputs, not as a stalled campaign).</summary>
    public virtual int MaxInput => 64 * 1024;

    /// <summary>True for binary formats: the mutator then also writes interesting integers in place.</summary>
    public virtual bool Binary => false;

    /// <summary>Parses <paramref name="input"/>; returns the outcome's signature; throws only on a defect.</summary>
    public abstract string Run(byte[] input);

    /// <summary>A signature from an error message: digits and quoted text removed, so "line 3" and
    /// "line 9" are one outcome while "expected a port" and "expected a MAC" are two.</summary>
    protected static string Outcome(string message)
    {
        Span<char> buf = stackalloc char[64];
        int n = 0;
        bool quoted = false;
        foreach (char c in message)
        {
            if (c == '"' || c == '\'') { quoted = !quoted; continue; }
            if (quoted || char.IsAsciiDigit(c)) continue;
            if (n == buf.Length) break;
            buf[n++] = c;
        }
        return new string(buf[..n]);
    }
}
