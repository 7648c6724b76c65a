using MeshSim.Engine;
using MeshSim.Ovs.Classification;

namespace MeshSim.Benchmarks.Ovs;

/// <summary>
/// The workload of OVS's <c>ovstest test-classifier benchmark</c> (tests/test-classifier.c, OVS 3.1):
/// 13 fields, two candidate values each; rules pick a wildcard pattern among <c>subtables</c>
/// random ones, a priority among 16 (i × 129, shuffled) and random values; an identical rule is
/// not inserted twice; lookups are of 2 × 8192 random flows built from the same values.
/// Note: OVS 3.1's make_rule sets every field exact whatever the pattern, so its own benchmark runs
/// with one subtable; <c>subtables: 1</c> reproduces that, <c>subtables: 8</c> is the workload as
/// described (8 distinct masks).
/// </summary>
public static class ClassifierWorkload
{
    private static readonly (KeyField Field, ulong A, ulong B)[] Fields =
    [
        (KeyField.Reg(0), 0, 0xfedcba98),                 // stands in for tun_id
        (KeyField.Metadata, 0, 0xfedcba9876543210),
        (KeyField.NwSrc, 0xc0a80001, 0xc0a04455),
        (KeyField.NwDst, 0xc0a80002, 0xc0a04455),
        (KeyField.InPort, 1, 0xfffe),
        (KeyField.VlanTci, 101, 0),
        (KeyField.DlType, 0x0800, 0x0806),
        (KeyField.TpSrc, 49362, 80),
        (KeyField.TpDst, 6667, 22),
        (KeyField.DlSrc, 0x0002e30f80a4, 0x5e337f5f1e99),
        (KeyField.DlDst, 0x4a2771ae64c1, 0xffffffffffff),
        (KeyField.NwProto, 6, 1),
        (KeyField.NwTos, 48, 0),
    ];

    /// <summary>Builds the classifier and the lookup flows.</summary>
    public static (Classifier<int> Classifier, PacketKey[] Flows) Build(int rules, int subtables, ulong seed = 1)
    {
        var rng = SimRandom.ForStream(seed, "classifier-benchmark");
        var patterns = new List<int>();
        while (patterns.Count < subtables)
        {
            int p = subtables == 1 ? (1 << Fields.Length) - 1 : (int)rng.NextUInt64(1UL << Fields.Length);
            if (!patterns.Contains(p)) patterns.Add(p);
        }
        var priorities = Enumerable.Range(0, 16).Select(i => i * 129).ToArray();
        for (int i = priorities.Length - 1; i > 0; i--) { int j = rng.Next(0, i + 1); (priorities[i], priorities[j]) = (priorities[j], priorities[i]); }

        var cls = new Classifier<int>();
        for (int i = 0; i < rules; i++)
        {
            int priority = priorities[rng.Next(0, 16)];
            int pattern = patterns[rng.Next(0, patterns.Count)];
            int values = (int)rng.NextUInt64(1UL << Fields.Length);
            var m = default(KeyMatch);
            for (int f = 0; f < Fields.Length; f++)
                if ((pattern & (1 << f)) != 0) m.SetExact(Fields[f].Field, (values & (1 << f)) != 0 ? Fields[f].B : Fields[f].A);
            if (cls.FindExactly(in m, priority) is null) cls.Insert(new ClassifierRule<int>(in m, priority, i));
        }

        var flows = new PacketKey[2 * (1 << Fields.Length)];
        for (int i = 0; i < flows.Length; i++)
        {
            int x = (int)rng.NextUInt64(1UL << Fields.Length);
            for (int f = 0; f < Fields.Length; f++) flows[i].Set(Fields[f].Field, (x & (1 << f)) != 0 ? Fields[f].B : Fields[f].A);
        }
        return (cls, flows);
    }
}
