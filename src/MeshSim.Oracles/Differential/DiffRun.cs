using System.Diagnostics;
using System.Text;

namespace MeshSim.Oracles.Differential;

/// <summary>A finished run's figures.</summary>
public sealed class DiffSummary
{
    /// <summary>Cases run.</summary>
    public int Cases;
    /// <summary>Cases per verdict.</summary>
    public readonly SortedDictionary<Verdict, int> Verdicts = new();
    /// <summary>Cases per feature (the generator's distribution).</summary>
    public readonly SortedDictionary<string, int> Distribution = new(StringComparer.Ordinal);
    /// <summary>Diverging cases per category: (case index, whether it was shrunk, directory written or null).
    /// A shrunk case is filed under its minimal case's category; the others (beyond
    /// <see cref="DiffRun.ShrinkPerCategory"/>) under "~" + the unshrunk case's rough category.</summary>
    public readonly SortedDictionary<string, List<(int Index, bool Shrunk, string? Dir)>> Divergences = new(StringComparer.Ordinal);
    /// <summary>Real-side setup or run errors (first few).</summary>
    public readonly List<string> RealErrors = new();
    /// <summary>Packets injected (both sides).</summary>
    public long Packets;
    /// <summary>Wall-clock time.</summary>
    public TimeSpan Elapsed;
    /// <summary>Why the run stopped before its last case (the real side kept failing), or null.</summary>
    public string? Aborted;

    /// <summary>Count for a verdict.</summary>
    public int Count(Verdict v) => Verdicts.GetValueOrDefault(v);

    /// <summary>A human-readable report.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"cases: {Cases} in {Elapsed.TotalSeconds:0.0}s ({Cases / Math.Max(0.001, Elapsed.TotalSeconds):0.0} cases/s, {Packets} packets)");
        foreach (var (v, n) in Verdicts) sb.AppendLine($"  {v}: {n}");
        if (Aborted is not null) sb.AppendLine("stopped early: " + Aborted);
        sb.AppendLine("divergences by category (minimal cases):");
        if (Divergences.Count == 0) sb.AppendLine("  none");
        foreach (var (cat, list) in Divergences)
            sb.AppendLine($"  {cat}: {list.Count}  e.g. case {string.Join(", ", list.Take(5).Select(x => x.Index))}" + (list.FirstOrDefault(x => x.Dir is not null).Dir is { } d ? $"  ({d})" : ""));
        foreach (var e in RealErrors.Take(5)) sb.AppendLine("real-side error: " + e);
        sb.AppendLine("distribution (cases exercising each category):");
        foreach (var (f, n) in Distribution) sb.AppendLine($"  {f,-28} {n,7}  {100.0 * n / Math.Max(1, Cases),5:0.0}%");
        return sb.ToString();
    }
}

/// <summary>
/// The differential run: cases <c>0..N-1</c> of a seed, each on both sides; a divergence is shrunk
/// (while its category has fewer than <see cref="ShrinkPerCategory"/> minimal cases) and written
/// out as a regression case.
/// </summary>
public sealed class DiffRun(DiffEngine engine)
{
    /// <summary>Where minimal cases go (null: not written).</summary>
    public string? OutDir { get; init; }

    /// <summary>How many divergences per category are shrunk and written (the rest are counted).</summary>
    public int ShrinkPerCategory { get; init; } = 3;

    /// <summary>Predicate runs a shrink may spend.</summary>
    public int ShrinkBudget { get; init; } = 150;

    /// <summary>Also write agreeing cases to <see cref="OutDir"/> (as positive regression cases).</summary>
    public bool SaveAgreeing { get; init; }

    /// <summary>Consecutive real-side run errors after which the run stops: the daemons are gone, and
    /// every later case would be an error too.</summary>
    public int MaxConsecutiveRealErrors { get; init; } = 10;

    /// <summary>Progress lines (null: quiet).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Runs cases <paramref name="first"/>..<paramref name="first"/>+<paramref name="count"/>-1 of <paramref name="seed"/>.</summary>
    public DiffSummary Run(ulong seed, int count, int first = 0)
    {
        var s = new DiffSummary();
        var clock = Stopwatch.StartNew();
        var shrunkKinds = new Dictionary<string, int>();
        int realErrorsInARow = 0;
        for (int i = first; i < first + count; i++)
        {
            var c = CaseGen.Sample(seed, i);
            s.Cases++;
            s.Packets += c.Packets.Count;
            foreach (var f in Features.Of(c)) s.Distribution[f] = s.Distribution.GetValueOrDefault(f) + 1;
            var o = engine.Run(c);
            s.Verdicts[o.Verdict] = s.Verdicts.GetValueOrDefault(o.Verdict) + 1;
            if (o.Verdict is Verdict.RealSetupRejected or Verdict.RealRunError)
            {
                if (s.RealErrors.Count < 20) s.RealErrors.Add($"case {i}: {o.Verdict}: {o.Error}");
                Log?.Invoke($"case {i}: {o.Verdict}: {o.Error}");
                realErrorsInARow = o.Verdict == Verdict.RealRunError ? realErrorsInARow + 1 : 0;
                if (realErrorsInARow >= MaxConsecutiveRealErrors)
                {
                    s.Aborted = $"{realErrorsInARow} real-side errors in a row at case {i} (is ovs-vswitchd still running?)";
                    break;
                }
                continue;
            }
            realErrorsInARow = 0;
            if (o.Verdict != Verdict.Diverged)
            {
                if (SaveAgreeing && OutDir is not null) RegressionCase.Write(Path.Combine(OutDir, $"agreed-seed{seed}-case{i}"), c, o.Real!);
                continue;
            }

            // File under the category of the unshrunk case first; shrink only the first few of each.
            string rough = Features.Category(c, o.Divergences);
            string? dir = null;
            string category = "~" + rough;
            bool shrunk = false;
            if (shrunkKinds.GetValueOrDefault(rough) < ShrinkPerCategory)
            {
                shrunkKinds[rough] = shrunkKinds.GetValueOrDefault(rough) + 1;
                var (minimal, mo, runs) = engine.Shrink(c, o, ShrinkBudget);
                if (mo.Verdict == Verdict.Diverged && mo.Real is not null)
                {
                    category = Features.Category(minimal, mo.Divergences);
                    shrunk = true;
                    if (OutDir is not null)
                    {
                        dir = Path.Combine(OutDir, $"{category}-seed{seed}-case{i}");
                        RegressionCase.Write(dir, minimal, mo.Real, mo.Divergences,
                            $"seed {seed} case {i}, shrunk in {runs} runs from {c.Flows.Count} flows, {c.Groups.Count} groups, {c.Packets.Count} packets");
                    }
                    Log?.Invoke($"case {i}: diverged ({category}); minimal: {minimal.Flows.Count} flows, {minimal.Groups.Count} groups, {minimal.Packets.Count} packets" + (dir is null ? "" : $" -> {dir}"));
                }
            }
            if (!s.Divergences.TryGetValue(category, out var list)) s.Divergences[category] = list = new();
            list.Add((i, shrunk, dir));
        }
        s.Elapsed = clock.Elapsed;
        return s;
    }
}
