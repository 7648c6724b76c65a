namespace MeshSim.Wire.Tests;

/// <summary>
/// Conformance against a real Open vSwitch 3.1: thousands of truncated and mutated frames go
/// through <c>ovs-ofctl parse-pcap</c> (OVS's own flow_extract) and through
/// <see cref="FlowExtractor"/>; the printed flows must be identical.
/// </summary>
public class OvsDifferentialTests
{
    /// <summary>Frames where MeshSim deliberately differs (documented on FlowExtractor): a second
    /// VLAN tag, and protocols extracted by OVS but not by MeshSim.</summary>
    private static bool OutOfScope(byte[] f)
    {
        if (f.Length < 14) return false;
        int at = 12;
        ushort type = (ushort)(f[at] << 8 | f[at + 1]);
        if (EtherType.IsVlanTag(type) && f.Length >= 18) { at += 4; type = (ushort)(f[at] << 8 | f[at + 1]); if (EtherType.IsVlanTag(type)) return true; }
        return type is EtherType.Ipv6 or 0x8847 or 0x8848 or 0x894F;
    }

    private static IEnumerable<byte[]> Corpus(int mutations, int seed)
    {
        var captured = PcapFile.ReadRepo("wire-veth.pcap").Concat(PcapFile.ReadRepo("wire-loopback.pcap"))
                                                         .Where(f => f.Length <= 200).ToList();
        foreach (var f in captured)
            for (int n = 1; n <= f.Length; n++) yield return f[..n];
        var rng = new Random(seed);
        for (int i = 0; i < mutations; i++)
        {
            var f = (byte[])captured[rng.Next(captured.Count)].Clone();
            int flips = 1 + rng.Next(4);
            for (int j = 0; j < flips; j++)
            {
                // Bias toward header bytes, where the decisions are made.
                int at = rng.Next(Math.Min(f.Length, rng.Next(2) == 0 ? 60 : f.Length));
                f[at] = (byte)rng.Next(256);
            }
            yield return rng.Next(4) == 0 ? f[..(1 + rng.Next(f.Length))] : f;
        }
    }

    [Fact]
    public void Flow_extraction_matches_ovs_ofctl_on_truncated_and_mutated_frames()
    {
        var frames = Corpus(mutations: 3000, seed: 20261125).Where(f => !OutOfScope(f)).ToList();
        string pcap = Path.Combine(Path.GetTempPath(), $"meshsim-wire-diff-{Environment.ProcessId}.pcap");
        try
        {
            PcapFile.Write(pcap, frames);
            var ovs = ExternalTool.Run("ovs-ofctl", "parse-pcap", pcap);
            Assert.Equal(frames.Count, ovs.Length);
            var key = default(FlowKey);
            var counters = default(ExtractCounters);
            var mismatches = new List<string>();
            for (int i = 0; i < frames.Count; i++)
            {
                FlowExtractor.Extract(frames[i], 0, ref key, ref counters);
                string ours = FlowKeyText.Format(key, "ANY");
                if (ours != ovs[i]) mismatches.Add($"frame {i} {Convert.ToHexString(frames[i])}\n  ovs:  {ovs[i]}\n  ours: {ours}");
            }
            Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {frames.Count} differ:\n" + string.Join("\n", mismatches.Take(5)));
        }
        finally
        {
            File.Delete(pcap);
        }
    }
}
