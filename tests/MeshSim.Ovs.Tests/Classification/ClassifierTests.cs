using MeshSim.Engine;
using MeshSim.Ovs.Classification;

namespace MeshSim.Ovs.Tests.Classification;

public class ClassifierTests
{
    private static ClassifierRule<int> Rule(int priority, int id, params (KeyField F, ulong V)[] fields)
    {
        var m = default(KeyMatch);
        foreach (var (f, v) in fields) m.SetExact(f, v);
        return new ClassifierRule<int>(in m, priority, id);
    }

    private static PacketKey Packet(params (KeyField F, ulong V)[] fields)
    {
        var k = default(PacketKey);
        foreach (var (f, v) in fields) k.Set(f, v);
        return k;
    }

    [Fact]
    public void Highest_priority_match_wins_across_subtables()
    {
        var cls = new Classifier<int>();
        cls.Insert(Rule(0, 1));
        cls.Insert(Rule(100, 2, (KeyField.InPort, 1)));
        cls.Insert(Rule(200, 3, (KeyField.InPort, 1), (KeyField.TpDst, 80)));
        Assert.Equal(3, cls.SubtableCount);
        Assert.Equal(3, cls.Lookup(Packet((KeyField.InPort, 1), (KeyField.TpDst, 80)))!.Value);
        Assert.Equal(2, cls.Lookup(Packet((KeyField.InPort, 1), (KeyField.TpDst, 81)))!.Value);
        Assert.Equal(1, cls.Lookup(Packet((KeyField.InPort, 2)))!.Value);
    }

    [Fact]
    public void Lookup_stops_when_no_subtable_can_beat_the_match()
    {
        var cls = new Classifier<int>();
        cls.Insert(Rule(500, 1, (KeyField.InPort, 1)));
        cls.Insert(Rule(10, 2, (KeyField.TpDst, 80)));
        cls.Insert(Rule(5, 3, (KeyField.NwDst, 7)));
        var hit = cls.Lookup(Packet((KeyField.InPort, 1), (KeyField.TpDst, 80)), out int probed);
        Assert.Equal(1, hit!.Value);
        Assert.Equal(1, probed);
        cls.Lookup(Packet((KeyField.InPort, 2)), out probed);
        Assert.Equal(3, probed);
    }

    [Fact]
    public void Same_match_and_priority_replaces_and_different_priority_chains()
    {
        var cls = new Classifier<int>();
        var a = Rule(10, 1, (KeyField.InPort, 1));
        Assert.Null(cls.Insert(a));
        var b = Rule(10, 2, (KeyField.InPort, 1));
        Assert.Same(a, cls.Insert(b));
        Assert.False(a.IsInserted);
        var c = Rule(20, 3, (KeyField.InPort, 1));
        cls.Insert(c);
        Assert.Equal(2, cls.Count);
        Assert.Equal(3, cls.Lookup(Packet((KeyField.InPort, 1)))!.Value);
        Assert.True(cls.Remove(c));
        Assert.Equal(2, cls.Lookup(Packet((KeyField.InPort, 1)))!.Value);
        Assert.True(cls.Remove(b));
        Assert.Null(cls.Lookup(Packet((KeyField.InPort, 1))));
        Assert.Equal(0, cls.SubtableCount);
    }

    [Fact]
    public void Masked_fields_match_only_the_masked_bits()
    {
        var m = default(KeyMatch);
        m.Set(KeyField.NwDst, 0x0A000000, 0xFF000000);   // nw_dst=10.0.0.0/8
        var cls = new Classifier<int>();
        cls.Insert(new ClassifierRule<int>(in m, 1, 1));
        Assert.NotNull(cls.Lookup(Packet((KeyField.NwDst, 0x0A010203))));
        Assert.Null(cls.Lookup(Packet((KeyField.NwDst, 0x0B010203))));
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    [InlineData(4UL)]
    public void Agrees_with_linear_reference_under_random_inserts_and_removes(ulong seed)
    {
        var rng = SimRandom.ForStream(seed, "classifier-vs-linear");
        var gen = new RandomRules(rng);
        var shapes = Enumerable.Range(0, 8).Select(_ => gen.RandomMaskShape()).ToArray();
        var cls = new Classifier<int>();
        var cache = new ExactMatchCache<int>(cls, 64);
        var reference = new LinearClassifier<int>();
        for (int step = 0; step < 600; step++)
        {
            if (reference.Rules.Count > 0 && rng.Next(0, 4) == 0)
            {
                var victim = reference.Rules[rng.Next(0, reference.Rules.Count)];
                reference.Remove(victim);
                Assert.True(cls.Remove(victim));
            }
            else
            {
                var match = gen.RandomMatch(shapes[rng.Next(0, shapes.Length)]);
                var rule = new ClassifierRule<int>(in match, rng.Next(0, 16) * 129, step);
                reference.Insert(rule);
                cls.Insert(rule);
            }
            Assert.Equal(reference.Rules.Count, cls.Count);
            for (int p = 0; p < 20; p++)
            {
                var packet = gen.RandomPacket();
                var want = reference.Lookup(in packet);
                var got = cls.Lookup(in packet);
                var cached = cache.Lookup(in packet);
                // Equal-priority overlaps are undefined in OpenFlow: compare priority, and that the rule matches.
                Assert.Equal(want?.Priority, got?.Priority);
                Assert.Same(got, cached);
                if (got is not null) Assert.True(got.Match.Matches(in packet));
            }
        }
        Assert.True(cache.Hits > 0);
    }

    [Fact]
    public void Cache_sees_a_rule_change_on_the_next_lookup()
    {
        var cls = new Classifier<int>();
        var cache = new ExactMatchCache<int>(cls);
        var p = Packet((KeyField.InPort, 1));
        Assert.Null(cache.Lookup(in p));
        Assert.Null(cache.Lookup(in p));
        Assert.Equal(1, cache.Hits);
        var r = Rule(1, 42, (KeyField.InPort, 1));
        cls.Insert(r);
        Assert.Equal(42, cache.Lookup(in p)!.Value);
        cls.Remove(r);
        Assert.Null(cache.Lookup(in p));
    }
}
