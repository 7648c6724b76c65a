namespace MeshSim.Wire.Tests;

/// <summary>
/// A fuzz-style sweep in the spirit of smoltcp's packet_parser target: random bytes, and real
/// frames (both pcaps) truncated, bit-flipped, byte-replaced and with length fields forced to
/// extremes, fed to every view, repr, the flow extractor and the describer. Seeded, so a failure
/// reproduces; the failing frame's hex is in the message.
/// </summary>
public class FuzzTests
{
    private const int Iterations = 60_000;

    [Fact]
    public void Hostile_frames_never_throw_and_offsets_stay_in_range()
    {
        var corpus = PcapFile.ReadRepo("wire-veth.pcap").Concat(PcapFile.ReadRepo("wire-loopback.pcap")).ToList();
        var rng = new Random(0x5EED);
        var key = default(FlowKey);
        var counters = default(ExtractCounters);
        int reachedL4 = 0;
        for (int i = 0; i < Iterations; i++)
        {
            byte[] frame = Mutate(corpus, rng, i);
            try
            {
                if (PropertyTests.ParseEverything(frame) >= 3) reachedL4++;
                FlowExtractor.Extract(frame, 1, ref key, ref counters);
                Assert.True(key.L3Offset == FlowKey.Absent || key.L3Offset < frame.Length);
                Assert.True(key.L4Offset == FlowKey.Absent || key.L4Offset <= frame.Length);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"iteration {i}, frame {Convert.ToHexString(frame)}: {e}");
            }
        }
        Assert.Equal(Iterations, counters.Frames);
        Assert.True(counters.Anomalies > 0);                    // the mutations did produce broken frames...
        Assert.True(reachedL4 > Iterations / 10, $"only {reachedL4} frames reached L4");   // ...and deep ones
    }

    private static byte[] Mutate(List<byte[]> corpus, Random rng, int i)
    {
        if (i % 10 == 0)
        {
            var random = new byte[rng.Next(0, 128)];
            rng.NextBytes(random);
            return random;
        }
        var f = (byte[])corpus[rng.Next(corpus.Count)].Clone();
        switch (rng.Next(5))
        {
            case 0: return f[..rng.Next(f.Length + 1)];
            case 1: f[rng.Next(f.Length)] ^= (byte)(1 << rng.Next(8)); break;
            case 2: for (int k = rng.Next(1, 6); k > 0; k--) f[rng.Next(Math.Min(f.Length, 80))] = (byte)rng.Next(256); break;
            case 3:
                // Length-ish fields to extremes: IPv4 IHL/total length, TCP data offset, UDP length.
                int[] spots = [14, 16, 17, 46, 38, 39];
                int at = spots[rng.Next(spots.Length)];
                if (at < f.Length) f[at] = rng.Next(2) == 0 ? (byte)0xFF : (byte)0x00;
                break;
            default:
                f[rng.Next(f.Length)] = (byte)rng.Next(256);
                return f[..rng.Next(f.Length + 1)];
        }
        return f;
    }
}
