using System.Text;

namespace MeshSim.Fuzz.Tests;

public class MutatorTests
{
    private sealed class Probe(string needle) : FuzzTarget
    {
        public int Runs;
        public override string Name => "probe";
        public override string Description => "throws when the input contains the needle";
        public override IEnumerable<byte[]> Seeds(RepoFiles repo) => [];
        public override IReadOnlyList<(string Open, string Close)> Nesting => [("[", "]")];
        public override IReadOnlyList<string> Dictionary => ["alpha", "beta"];
        // Not inlined: once dynamic PGO devirtualises and inlines the call at tier 1, this frame would
        // vanish from the stack trace and the same throw would get a second defect key.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        public override string Run(byte[] input)
        {
            Runs++;
            if (Encoding.ASCII.GetString(input).Contains(needle)) throw new InvalidOperationException("found " + needle);
            return input.Length.ToString();
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_inputs_and_another_seed_other_ones()
    {
        static List<string> Inputs(ulong seed)
        {
            var probe = new Probe("\u0001never");
            var m = new Mutator(new FuzzRandom(seed), probe);
            byte[] parent = "name: x\nhosts: [a, b]\n"u8.ToArray();
            return Enumerable.Range(0, 200).Select(_ => Convert.ToHexString(m.Mutate(parent, [parent]))).ToList();
        }
        Assert.Equal(Inputs(7), Inputs(7));
        Assert.NotEqual(Inputs(7), Inputs(8));
        Assert.True(Inputs(7).Distinct().Count() > 150);
    }

    [Fact]
    public void Mutations_include_depth_bombs_and_dictionary_tokens()
    {
        var probe = new Probe("\u0001never");
        var m = new Mutator(new FuzzRandom(3), probe);
        var inputs = Enumerable.Range(0, 2000).Select(_ => Encoding.ASCII.GetString(m.Mutate("x"u8.ToArray(), []))).ToList();
        Assert.Contains(inputs, s => s.Contains(new string('[', 1000)));
        Assert.Contains(inputs, s => s.Contains("alpha") || s.Contains("beta"));
        Assert.All(inputs, s => Assert.True(s.Length <= probe.MaxInput));
    }

    [Fact]
    public void A_defect_is_found_and_minimised_to_the_bytes_that_cause_it()
    {
        var probe = new Probe("BUG");
        var input = "lots of harmless text around the BUG and after it"u8.ToArray();
        var key = Campaign.KeyOf(Record.Exception(() => probe.Run(input))!);
        Assert.Equal("BUG", Encoding.ASCII.GetString(Campaign.Minimise(probe, input, key)));
    }

    [Fact]
    public void Escaped_exceptions_are_counted_as_defects_once_per_key()
    {
        var probe = new Probe("ab");
        var r = Campaign.Run(probe, new RepoFiles(Path.GetTempPath()), 1, TimeSpan.FromSeconds(1));
        var d = Assert.Single(r.Defects);
        Assert.StartsWith("InvalidOperationException at ", d.Key);
        Assert.Equal("ab", Encoding.ASCII.GetString(d.Input));
    }
}
