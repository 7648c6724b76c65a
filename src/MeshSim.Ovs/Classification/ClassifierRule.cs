namespace MeshSim.Ovs.Classification;

/// <summary>A rule as the classifier stores it: a match, a priority and the caller's payload.</summary>
/// <typeparam name="T">What the rule stands for (a flow entry in a table).</typeparam>
public sealed class ClassifierRule<T>
{
    /// <summary>Creates a rule; <paramref name="match"/> is normalised so its value is pre-masked.</summary>
    public ClassifierRule(in KeyMatch match, int priority, T value)
    {
        Match = match;
        for (int i = 0; i < PacketKey.WordCount; i++) Match.Value.Words[i] &= Match.Mask.Words[i];
        Priority = priority;
        Value = value;
    }

    /// <summary>The match (value pre-masked).</summary>
    public KeyMatch Match;

    /// <summary>Higher wins.</summary>
    public int Priority { get; }

    /// <summary>The caller's payload.</summary>
    public T Value { get; }

    /// <summary>Insertion sequence number, assigned by the classifier; breaks ties deterministically.</summary>
    public long Sequence { get; internal set; } = -1;

    /// <summary>True while the rule is in a classifier.</summary>
    public bool IsInserted => Sequence >= 0;
}
