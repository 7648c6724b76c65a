using MeshSim.Control.Registry;

namespace MeshSim.Control.Tests.Registry;

public class IntentionPolicyTests
{
    private static IntentionPolicy Policy(IntentionAction @default, params Intention[] i) => new(i, @default);
    private static Intention I(string s, string d, IntentionAction a) => new(s, d, a);

    [Theory]
    [InlineData("web", "db", 9)]
    [InlineData("*", "db", 8)]
    [InlineData("web", "*", 6)]
    [InlineData("*", "*", 5)]
    public void Precedence_follows_consul(string s, string d, int expected) =>
        Assert.Equal(expected, I(s, d, IntentionAction.Allow).Precedence);

    [Fact]
    public void Exact_pair_beats_every_wildcard()
    {
        var p = Policy(IntentionAction.Deny, I("*", "db", IntentionAction.Deny), I("web", "db", IntentionAction.Allow), I("*", "*", IntentionAction.Deny));
        Assert.Equal(IntentionAction.Allow, p.Decide("web", "db").Action);
        Assert.Equal(IntentionAction.Deny, p.Decide("api", "db").Action);
    }

    [Fact]
    public void Wildcard_source_to_exact_destination_beats_exact_source_to_wildcard_destination()
    {
        // Consul: precedence 8 (* -> db) outranks 6 (web -> *).
        var p = Policy(IntentionAction.Allow, I("web", "*", IntentionAction.Allow), I("*", "db", IntentionAction.Deny));
        var (action, by) = p.Decide("web", "db");
        Assert.Equal(IntentionAction.Deny, action);
        Assert.Equal(I("*", "db", IntentionAction.Deny), by);
    }

    [Fact]
    public void Uncovered_pairs_get_the_default()
    {
        var p = Policy(IntentionAction.Deny, I("web", "api", IntentionAction.Allow));
        Assert.Equal((IntentionAction.Deny, (Intention?)null), p.Decide("api", "web"));
    }

    [Fact]
    public void Two_intentions_for_one_pair_are_refused()
    {
        var e = Assert.Throws<RegistryException>(() => Policy(IntentionAction.Allow, I("a", "b", IntentionAction.Allow), I("a", "b", IntentionAction.Deny)));
        Assert.Contains("a -> b", e.Message);
    }
}
