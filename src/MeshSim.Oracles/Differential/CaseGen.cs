using FsCheck;
using FsCheck.Fluent;

namespace MeshSim.Oracles.Differential;

/// <summary>Whole cases: a pipeline and a packet sequence. Case <c>i</c> of seed <c>S</c> depends on
/// nothing else, so a run can be replayed one case at a time (<c>--seed S --case i</c>).</summary>
public static class CaseGen
{
    /// <summary>The generator.</summary>
    public static Gen<DiffCase> Case() =>
        from p in PipelineGen.Pipeline()
        from s in SequenceGen.Sequence()
        select new DiffCase(p.Groups, p.Flows, s);

    /// <summary>Case <paramref name="index"/> of <paramref name="seed"/>.</summary>
    public static DiffCase Sample(ulong seed, int index) =>
        Case().Sample(10, new Rnd(unchecked(seed * 0x9E3779B97F4A7C15UL + (ulong)index)), 1)[0];

    /// <summary>An FsCheck arbitrary: the generator with <see cref="Shrinker.Candidates"/> as its shrinker.</summary>
    public static Arbitrary<DiffCase> Arbitrary() => Arb.From(Case(), Shrinker.Candidates);
}
