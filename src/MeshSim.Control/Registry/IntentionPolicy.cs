namespace MeshSim.Control.Registry;

/// <summary>
/// Decides a (source, destination) pair the way Consul does: among the intentions that cover the
/// pair, the one with the highest <see cref="Intention.Precedence"/> wins; when none covers it, the
/// default policy (Consul's ACL default policy: allow in a fresh dev agent, deny in production) decides.
/// </summary>
public sealed class IntentionPolicy
{
    private readonly Intention[] _byPrecedence;

    /// <summary>The decision for pairs no intention covers.</summary>
    public IntentionAction Default { get; }

    /// <summary>The intentions, in the order they are consulted (highest precedence first).</summary>
    public IReadOnlyList<Intention> Intentions => _byPrecedence;

    /// <summary>Builds a policy. Two intentions for the same (source, destination) are an error, as in Consul.</summary>
    public IntentionPolicy(IEnumerable<Intention> intentions, IntentionAction defaultAction)
    {
        Default = defaultAction;
        _byPrecedence = intentions
            .OrderByDescending(i => i.Precedence)
            .ThenBy(i => i.Source, StringComparer.Ordinal)
            .ThenBy(i => i.Destination, StringComparer.Ordinal)
            .ToArray();
        for (int i = 1; i < _byPrecedence.Length; i++)
            if (_byPrecedence[i].Source == _byPrecedence[i - 1].Source && _byPrecedence[i].Destination == _byPrecedence[i - 1].Destination)
                throw new RegistryException($"intentions: two intentions for {_byPrecedence[i].Source} -> {_byPrecedence[i].Destination}; Consul keeps one per pair");
    }

    /// <summary>Allow-all policy with no intentions.</summary>
    public static IntentionPolicy AllowAll { get; } = new([], IntentionAction.Allow);

    /// <summary>The decision and the intention that made it (null: the default policy).</summary>
    public (IntentionAction Action, Intention? By) Decide(string source, string destination)
    {
        // Sorted by precedence, and at most one intention per exact pair, so the first cover wins.
        foreach (var i in _byPrecedence)
            if (i.Covers(source, destination)) return (i.Action, i);
        return (Default, null);
    }
}
