using MeshSim.Oracles.Differential;

namespace MeshSim.Oracles.Tests.Differential;

/// <summary>
/// The minimal cases the differential tester wrote (Differential/Cases/NAME: flows, groups, packets
/// and what real OVS 3.1 did) replayed through MeshSim. A case with an <c>open.txt</c> is a
/// divergence not fixed yet: it is skipped with that file's reason, and the test turns red the day
/// it starts agreeing (so the file gets removed).
/// </summary>
public class RegressionCaseTests
{
    private static string CasesDir => Path.Combine(AppContext.BaseDirectory, "Differential", "Cases");

    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        foreach (var dir in Directory.EnumerateDirectories(CasesDir).Order(StringComparer.Ordinal)) d.Add(Path.GetFileName(dir));
        return d;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Stored_case_replays_as_on_real_ovs(string name)
    {
        var dir = Path.Combine(CasesDir, name);
        var (c, real) = RegressionCase.Read(dir);
        var (model, error) = ModelOracle.Run(c, real.NatHashBasis);
        var divergences = model is null
            ? [new Divergence(DivergenceKind.ModelSetup, "pipeline", "installed", error!)]
            : Comparison.Compare(real, model);
        var open = Path.Combine(dir, "open.txt");
        if (File.Exists(open))
        {
            Assert.True(divergences.Count > 0, $"{name} agrees with real OVS now: delete its open.txt");
            Skip.If(true, "open divergence: " + File.ReadAllText(open).Trim());
        }
        Assert.True(divergences.Count == 0, string.Join("\n", divergences));
    }

    [Fact]
    public void Written_case_reads_back_the_same()
    {
        var c = CaseGen.Sample(4, 2);
        var real = new Observation();
        real.Outputs.Add(new SortedDictionary<uint, List<string>> { [1] = ["00ff"] });
        real.Flows[1] = "n_packets=1 n_bytes=2";
        real.Groups[2] = "packet_count=0 byte_count=0";
        real.Conntrack.Add("udp,orig=(x)");
        var dir = Directory.CreateTempSubdirectory("difftest-case-").FullName;
        try
        {
            RegressionCase.Write(dir, c, real);
            var (back, backReal) = RegressionCase.Read(dir);
            Assert.Equal(c.GroupLines, back.GroupLines);
            Assert.Equal(c.Flows, back.Flows);
            Assert.Equal(c.Packets.Select(p => (p.InPort, Convert.ToHexString(p.Frame), p.Kind)), back.Packets.Select(p => (p.InPort, Convert.ToHexString(p.Frame), p.Kind)));
            Assert.Empty(Comparison.Compare(real, backReal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
