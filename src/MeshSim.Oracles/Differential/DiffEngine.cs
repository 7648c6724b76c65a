using MeshSim.Oracles.RealOvs;

namespace MeshSim.Oracles.Differential;

/// <summary>Runs one case on both sides and compares them.</summary>
public sealed class DiffEngine(RealOvsBridge real)
{
    /// <summary>The real bridge.</summary>
    public RealOvsBridge Real { get; } = real;

    /// <summary>The real daemon's NAT hash basis, probed once (it is drawn when ovs-vswitchd starts).</summary>
    public uint NatHashBasis => _basis ??= Real.ProbeNatHashBasis();

    private uint? _basis;

    /// <summary>Runs <paramref name="c"/> on the real bridge and in MeshSim.</summary>
    public CaseOutcome Run(DiffCase c)
    {
        var run = Real.Run(c.GroupLines, c.Flows, c.Frames);
        if (run.SetupError is not null) return new(Verdict.RealSetupRejected, [], run.SetupError, null);
        if (run.RunError is not null) return new(Verdict.RealRunError, [], run.RunError, null);
        var real = RealObservation.From(run);
        real.NatHashBasis = NatHashBasis;
        var (model, modelError) = ModelOracle.Run(c, NatHashBasis);
        if (model is null)
            return new(Verdict.Diverged, [new Divergence(DivergenceKind.ModelSetup, "pipeline", "installed", modelError!)], null, real);
        var d = Comparison.Compare(real, model);
        return new(d.Count == 0 ? Verdict.Agreed : Verdict.Diverged, d, null, real);
    }

    /// <summary>Shrinks a diverging case while it keeps diverging with the same first kind of difference.</summary>
    public (DiffCase Minimal, CaseOutcome Outcome, int Runs) Shrink(DiffCase c, CaseOutcome outcome, int budget = 200)
    {
        var kind = outcome.Divergences[0].Kind;
        var minimal = Shrinker.Shrink(c, candidate =>
        {
            var o = Run(candidate);
            return o.Verdict == Verdict.Diverged && o.Divergences.Any(d => d.Kind == kind);
        }, budget, out int runs);
        return (minimal, Run(minimal), runs);
    }
}
