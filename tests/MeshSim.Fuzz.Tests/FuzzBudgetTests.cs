namespace MeshSim.Fuzz.Tests;

/// <summary>
/// CI's fuzz run: every target for a short budget (MESHSIM_FUZZ_SECONDS, default 5 s; the seed is
/// MESHSIM_FUZZ_SEED, default 1, so a failure replays). Any escaped exception fails the test with the
/// minimised input in hex; turn it into a regression test next to the parser and a corpus file in
/// tools/fuzz/corpus/TARGET/.
/// </summary>
public class FuzzBudgetTests
{
    public static TheoryData<string> Targets() => new(FuzzTargets.All().Select(t => t.Name));

    private static double Seconds => double.TryParse(Environment.GetEnvironmentVariable("MESHSIM_FUZZ_SECONDS"), System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 5;
    private static ulong Seed => ulong.TryParse(Environment.GetEnvironmentVariable("MESHSIM_FUZZ_SEED"), out var s) ? s : 1;

    [Theory, MemberData(nameof(Targets))]
    public void Target_survives_its_budget(string name)
    {
        var target = FuzzTargets.Named(name)!;
        var r = Campaign.Run(target, RepoFiles.Locate(), Seed, TimeSpan.FromSeconds(Seconds));
        Assert.True(r.Defects.Count == 0, string.Join("\n", r.Defects.Select(d => $"{d.Key}: {d.Message}\n  input ({d.Input.Length} bytes): {Convert.ToHexString(d.Input.AsSpan(0, Math.Min(d.Input.Length, 512)))}\n{d.StackTrace}")));
        Assert.True(r.Inputs > 200, $"only {r.Inputs} inputs in {Seconds} s");
        Assert.True(r.Outcomes > 3, $"only {r.Outcomes} distinct outcomes: the mutations do not reach the parser's checks");
        Assert.Equal(0, r.SlowInputs);
    }
}
