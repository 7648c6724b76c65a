using MeshSim.Ovs.Classification;

namespace MeshSim.Ovs.Tests.Classification;

/// <summary>The obviously-correct reference (OVS's tests/test-classifier.c keeps the same kind):
/// scan every rule, keep the highest priority that matches.</summary>
internal sealed class LinearClassifier<T>
{
    private readonly List<ClassifierRule<T>> _rules = new();

    public void Insert(ClassifierRule<T> rule)
    {
        _rules.RemoveAll(r => r.Priority == rule.Priority && r.Match.SameAs(in rule.Match));
        _rules.Add(rule);
    }

    public void Remove(ClassifierRule<T> rule) => _rules.Remove(rule);

    public IReadOnlyList<ClassifierRule<T>> Rules => _rules;

    public ClassifierRule<T>? Lookup(in PacketKey key)
    {
        ClassifierRule<T>? best = null;
        foreach (var r in _rules)
            if (r.Match.Matches(in key) && (best is null || r.Priority > best.Priority)) best = r;
        return best;
    }
}
