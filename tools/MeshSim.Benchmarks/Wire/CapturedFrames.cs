using System.Buffers.Binary;

namespace MeshSim.Benchmarks.Wire;

/// <summary>The frames of the repository's pcaps/wire-*.pcap captures (ARP, ICMP echo, 802.1Q,
/// IPv4 options and fragments, VXLAN, a whole HTTP/TCP exchange, UDP, ICMP unreachable): a
/// realistic mix for per-frame costs.</summary>
internal static class CapturedFrames
{
    public static byte[][] Load()
    {
        var dir = FindPcaps();
        return Directory.GetFiles(dir, "wire-*.pcap").OrderBy(p => p, StringComparer.Ordinal).SelectMany(Read).ToArray();
    }

    private static string FindPcaps()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "pcaps", "wire-veth.pcap"))) return Path.Combine(d.FullName, "pcaps");
        throw new DirectoryNotFoundException("pcaps/wire-veth.pcap not found above the working directory; run from the repository");
    }

    private static IEnumerable<byte[]> Read(string path)
    {
        var d = File.ReadAllBytes(path);
        for (int at = 24; at + 16 <= d.Length;)
        {
            int caplen = (int)BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(at + 8));
            at += 16;
            yield return d.AsSpan(at, Math.Min(caplen, d.Length - at)).ToArray();
            at += caplen;
        }
    }
}
