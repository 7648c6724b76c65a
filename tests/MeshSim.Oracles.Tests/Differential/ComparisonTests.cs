using MeshSim.Oracles.Differential;

namespace MeshSim.Oracles.Tests.Differential;

public class ComparisonTests
{
    private static Observation Obs(string frame, string flow = "n_packets=1 n_bytes=60", params string[] ct)
    {
        var o = new Observation();
        o.Outputs.Add(new SortedDictionary<uint, List<string>> { [2] = [frame] });
        o.Flows[1] = flow;
        o.Groups[1] = Observation.GroupCounters(1, 60, [(1, 60), (0, 0)]);
        o.Conntrack.AddRange(ct);
        return o;
    }

    [Fact]
    public void Identical_observations_agree() => Assert.Empty(Comparison.Compare(Obs("aa"), Obs("aa")));

    [Fact]
    public void A_different_byte_is_an_output_divergence_on_that_packet_and_port()
    {
        var d = Assert.Single(Comparison.Compare(Obs("aa"), Obs("ab")));
        Assert.Equal(DivergenceKind.Output, d.Kind);
        Assert.Equal("packet 0 port 2", d.Where);
    }

    [Fact]
    public void A_frame_on_another_port_is_two_divergences()
    {
        var model = Obs("aa");
        model.Outputs[0] = new SortedDictionary<uint, List<string>> { [3] = ["aa"] };
        Assert.Equal(["packet 0 port 2", "packet 0 port 3"], Comparison.Compare(Obs("aa"), model).Select(d => d.Where));
    }

    [Fact]
    public void Counters_and_conntrack_are_compared()
    {
        var kinds = Comparison.Compare(Obs("aa", "n_packets=1 n_bytes=60", "udp,orig=(a)"), Obs("aa", "n_packets=2 n_bytes=120", "udp,orig=(b)")).Select(d => d.Kind);
        Assert.Equal([DivergenceKind.FlowCounters, DivergenceKind.Conntrack], kinds);
    }
}
