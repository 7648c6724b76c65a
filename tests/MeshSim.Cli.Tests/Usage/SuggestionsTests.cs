using MeshSim.Cli.Usage;

namespace MeshSim.Cli.Tests.Usage;

public class SuggestionsTests
{
    [Theory]
    [InlineData("sed", "seed")]
    [InlineData("RUN", "run")]
    [InlineData("acton", "action")]
    [InlineData("dump-flowz", "dump-flows")]
    public void Close_names_are_suggested(string word, string expected) =>
        Assert.Equal(expected, Suggestions.Closest(word, ["seed", "run", "lab", "action", "dump-flows", "dump-groups"]));

    [Theory]
    [InlineData("frob")]      // three edits from run and from lab: not close
    [InlineData("xyzzy")]
    [InlineData("x")]         // one letter is one edit from every one-letter name
    [InlineData("h9")]        // as near to h1 as to h2: a guess would mislead
    public void Far_or_ambiguous_names_get_no_suggestion(string word) =>
        Assert.Null(Suggestions.Closest(word, ["run", "lab", "s", "h1", "h2"]));

    [Fact]
    public void Distance_counts_edits() => Assert.Equal(3, Suggestions.Distance("kitten", "sitting"));
}
