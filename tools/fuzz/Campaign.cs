using System.Diagnostics;

namespace MeshSim.Fuzz;

/// <summary>An exception that escaped a target: a bug. <see cref="Input"/> is minimised.</summary>
/// <param name="Key">Exception type and the innermost MeshSim frame: one key per distinct bug.</param>
public sealed record Defect(string Target, string Key, string Message, byte[] Input, string StackTrace);

/// <summary>What a run of one target did.</summary>
public sealed record CampaignResult(string Target, long Inputs, TimeSpan Elapsed, IReadOnlyList<Defect> Defects, int CorpusSize, int Outcomes, int SlowInputs)
{
    /// <summary>Inputs per second of wall time.</summary>
    public double InputsPerSecond => Elapsed.TotalSeconds > 0 ? Inputs / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Runs one target: first every seed as it is, then mutations of corpus entries until the budget
/// (time or input count) is spent. An input with a new outcome signature joins the corpus (a cheap
/// stand-in for coverage feedback). Escaped exceptions are defects, deduplicated by key and
/// minimised. The target runs on a thread with a 1 MiB stack, smaller than any thread the CLI
/// parses on, so a limit that holds here holds there.
/// </summary>
public static class Campaign
{
    /// <summary>An input that takes longer than this is reported as slow.</summary>
    public static readonly TimeSpan SlowInput = TimeSpan.FromSeconds(2);
    private const int MaxCorpus = 4096;
    private const int StackBytes = 1 << 20;

    /// <summary>Runs <paramref name="target"/> for <paramref name="budget"/> or <paramref name="maxInputs"/> inputs, whichever ends first.</summary>
    public static CampaignResult Run(FuzzTarget target, RepoFiles repo, ulong seed, TimeSpan budget, long maxInputs = long.MaxValue, TextWriter? log = null)
    {
        CampaignResult? result = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { result = RunHere(target, repo, seed, budget, maxInputs, log); }
            catch (Exception e) { failure = e; }
        }, StackBytes) { Name = "fuzz " + target.Name, IsBackground = true };
        thread.Start();
        thread.Join();
        if (failure is not null) throw new InvalidOperationException($"the campaign of {target.Name} itself failed", failure);
        return result!;
    }

    private static CampaignResult RunHere(FuzzTarget target, RepoFiles repo, ulong seed, TimeSpan budget, long maxInputs, TextWriter? log)
    {
        var rng = new FuzzRandom(seed ^ (ulong)StableHash(target.Name));
        var mutator = new Mutator(rng, target);
        var corpus = target.Seeds(repo).Concat(repo.Corpus(target.Name)).ToList();
        if (corpus.Count == 0) corpus.Add([]);
        var outcomes = new HashSet<string>(StringComparer.Ordinal);
        var defects = new Dictionary<string, Defect>(StringComparer.Ordinal);
        int slow = 0;
        long inputs = 0;
        var clock = Stopwatch.StartNew();
        var one = new Stopwatch();

        void Try(byte[] input)
        {
            inputs++;
            one.Restart();
            try
            {
                if (outcomes.Add(target.Run(input)) && corpus.Count < MaxCorpus) corpus.Add(input);
            }
            catch (Exception e)
            {
                var key = KeyOf(e);
                if (!defects.TryGetValue(key, out var known) || known.Input.Length > input.Length)
                {
                    var small = Minimise(target, input, key);
                    defects[key] = new Defect(target.Name, key, e.Message, small, e.ToString());
                    if (known is null) log?.WriteLine($"{target.Name}: DEFECT {key}: {e.Message} ({small.Length} bytes)");
                }
            }
            if (one.Elapsed > SlowInput) { slow++; log?.WriteLine($"{target.Name}: slow input ({one.Elapsed.TotalSeconds:0.0} s, {input.Length} bytes)"); }
        }

        foreach (var s in corpus.ToList()) Try(s);
        while (clock.Elapsed < budget && inputs < maxInputs)
            Try(mutator.Mutate(rng.Pick(corpus), corpus));
        return new CampaignResult(target.Name, inputs, clock.Elapsed, defects.Values.OrderBy(d => d.Key, StringComparer.Ordinal).ToList(), corpus.Count, outcomes.Count, slow);
    }

    /// <summary>The exception's type and the innermost frame in MeshSim's own code (or the top frame).</summary>
    public static string KeyOf(Exception e)
    {
        var frames = new StackTrace(e, false).GetFrames();
        var own = frames.FirstOrDefault(f => f.GetMethod()?.DeclaringType?.Namespace?.StartsWith("MeshSim.", StringComparison.Ordinal) == true
                                          && f.GetMethod()?.DeclaringType?.Namespace?.StartsWith("MeshSim.Fuzz", StringComparison.Ordinal) != true)
                  ?? frames.FirstOrDefault();
        var m = own?.GetMethod();
        return $"{e.GetType().Name} at {m?.DeclaringType?.Name}.{m?.Name}";
    }

    /// <summary>Delta debugging, bounded: removes ever smaller chunks while the same defect still occurs.</summary>
    public static byte[] Minimise(FuzzTarget target, byte[] input, string key, int maxRuns = 2000)
    {
        bool SameBug(byte[] candidate)
        {
            try { target.Run(candidate); return false; }
            catch (Exception e) { return KeyOf(e) == key; }
        }
        var best = input;
        int runs = 0;
        for (int chunk = Math.Max(1, best.Length / 2); chunk >= 1 && runs < maxRuns; chunk /= 2)
        {
            for (int at = 0; at + chunk <= best.Length && runs < maxRuns;)
            {
                var candidate = new byte[best.Length - chunk];
                best.AsSpan(0, at).CopyTo(candidate);
                best.AsSpan(at + chunk).CopyTo(candidate.AsSpan(at));
                runs++;
                if (SameBug(candidate)) best = candidate; else at += chunk;
            }
        }
        return best;
    }

    private static int StableHash(string s)
    {
        unchecked
        {
            int h = (int)2166136261;
            foreach (char c in s) h = (h ^ c) * 16777619;
            return h;
        }
    }
}
