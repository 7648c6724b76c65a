namespace MeshSim.Oracles.Differential;

/// <summary>How one case ended.</summary>
public enum Verdict
{
    /// <summary>Both sides did the same.</summary>
    Agreed,
    /// <summary>They differed.</summary>
    Diverged,
    /// <summary>OVS refused the pipeline: counted apart, never as an agreement.</summary>
    RealSetupRejected,
    /// <summary>The real side could not be observed (timeout, failed dump): counted apart.</summary>
    RealRunError,
}

/// <summary>One case's result.</summary>
public sealed record CaseOutcome(Verdict Verdict, IReadOnlyList<Divergence> Divergences, string? Error, Observation? Real);
