using MeshSim.Io.Pcap;

namespace MeshSim.Fuzz.Targets;

/// <summary>pcap and pcapng captures: <see cref="CaptureReader.Read"/> never throws; problems are values with byte offsets.</summary>
public sealed class PcapTarget : FuzzTarget
{
    /// <inheritdoc/>
    public override string Name => "pcap";
    /// <inheritdoc/>
    public override string Description => "pcap/pcapng capture files";
    /// <inheritdoc/>
    public override bool Binary => true;

    /// <inheritdoc/>
    public override IEnumerable<byte[]> Seeds(RepoFiles repo) =>
        repo.Files("pcaps", ".pcap", ".pcapng").Select(f => f.Length > 4096 ? f[..4096] : f);

    /// <inheritdoc/>
    public override string Run(byte[] input)
    {
        var r = CaptureReader.Read(input);
        foreach (var f in r.Frames)
            if (f.Data.Length > input.Length) throw new InvalidOperationException($"frame {f.Index} is longer than the file");
        return r.Problems.Count == 0 ? $"ok {r.Frames.Count > 0}" : Outcome(r.Problems[0].Message);
    }
}
