namespace MeshSim.Control.Rules;

/// <summary>
/// Why a compiled rule exists: the stage that made it and the registry or topology item behind it
/// (e.g. <c>("intention", "web -> api deny")</c>). Rendered as a comment above the rule, so a
/// rule found in a dump answers "why am I here?" with one lookup.
/// </summary>
public readonly record struct Provenance(string Stage, string Item)
{
    /// <summary>"stage: item".</summary>
    public override string ToString() => $"{Stage}: {Item}";
}
