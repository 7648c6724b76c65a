namespace MeshSim.Control.Registry;

/// <summary>What an intention (or the default policy) decides.</summary>
public enum IntentionAction : byte
{
    /// <summary>Connections may be made.</summary>
    Allow,
    /// <summary>Connections are refused (the switch drops the SYN and counts it).</summary>
    Deny,
}

/// <summary>
/// A Consul-style L4 intention: <see cref="Source"/> may (not) connect to <see cref="Destination"/>.
/// Either name may be <c>*</c>. Consul keeps at most one intention per (source, destination).
/// </summary>
public sealed record Intention(string Source, string Destination, IntentionAction Action)
{
    /// <summary>The wildcard name.</summary>
    public const string Wildcard = "*";

    /// <summary>
    /// Consul's precedence (without namespaces): exact→exact 9, *→exact 8, exact→* 6, *→* 5.
    /// A destination match outranks a source match, so <c>* → db deny</c> beats <c>web → * allow</c>.
    /// </summary>
    public int Precedence => (Source == Wildcard, Destination == Wildcard) switch
    {
        (false, false) => 9,
        (true, false) => 8,
        (false, true) => 6,
        (true, true) => 5,
    };

    /// <summary>Whether this intention applies to the pair.</summary>
    public bool Covers(string source, string destination) =>
        (Source == Wildcard || Source == source) && (Destination == Wildcard || Destination == destination);

    /// <summary>"source -> destination allow|deny".</summary>
    public override string ToString() => $"{Source} -> {Destination} {Action.ToString().ToLowerInvariant()}";
}
