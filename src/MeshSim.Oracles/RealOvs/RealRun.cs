namespace MeshSim.Oracles.RealOvs;

/// <summary>What a real bridge did with one pipeline and packet sequence.</summary>
public sealed class RealRun
{
    /// <summary>Why OVS refused the pipeline (the bundle failed), or null when it was installed.</summary>
    public string? SetupError { get; init; }

    /// <summary>Why the run could not be observed completely (a marker frame never arrived, a dump failed), or null.</summary>
    public string? RunError { get; init; }

    /// <summary>For each injected packet, the frames each port sent because of it (port number → frames, in order).</summary>
    public IReadOnlyList<IReadOnlyDictionary<uint, List<byte[]>>> Outputs { get; init; } = [];

    /// <summary><c>ovs-ofctl dump-flows</c> after the sequence.</summary>
    public string DumpFlows { get; init; } = "";

    /// <summary><c>ovs-ofctl -O OpenFlow15 dump-group-stats</c> after the sequence.</summary>
    public string DumpGroupStats { get; init; } = "";

    /// <summary><c>ovs-appctl dpctl/dump-conntrack -m</c> after the sequence.</summary>
    public string DumpConntrack { get; init; } = "";
}
