using MeshSim.Io.Pcap;

namespace MeshSim.Cli.Replay;

/// <summary>A capture that ends early, worded as tshark words it, so the two tools read alike on the same file.</summary>
public static class CaptureCutMessage
{
    /// <summary>tshark's sentence for <paramref name="cut"/> in <paramref name="file"/> (as the user named it), or null when the file is not cut short.</summary>
    public static string? For(string file, CaptureCut cut) => cut switch
    {
        CaptureCut.InPacket => $"The file \"{file}\" appears to have been cut short in the middle of a packet.",
        CaptureCut.InHeader => $"The file \"{file}\" appears to have been cut short in the middle of a packet or other data.",
        _ => null,
    };
}
