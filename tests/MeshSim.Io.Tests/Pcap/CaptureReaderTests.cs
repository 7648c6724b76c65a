using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using MeshSim.Io.Pcap;

namespace MeshSim.Io.Tests.Pcap;

public class CaptureReaderTests
{
    private static string PcapsDir
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (dir is not null && !Directory.Exists(Path.Combine(dir, "pcaps"))) dir = Path.GetDirectoryName(dir);
            return Path.Combine(dir ?? throw new DirectoryNotFoundException("pcaps/ not found above the test directory"), "pcaps");
        }
    }

    public static IEnumerable<object[]> Captures() =>
        Directory.GetFiles(PcapsDir, "*.pcap").Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [Theory, MemberData(nameof(Captures))]
    public void Reads_every_capture_in_pcaps_without_problems_and_agrees_with_tshark(string name)
    {
        var path = Path.Combine(PcapsDir, name);
        var r = CaptureReader.ReadFile(path);
        Assert.Empty(r.Problems);
        Assert.NotEmpty(r.Frames);
        Assert.Equal(Enumerable.Range(1, r.Frames.Count), r.Frames.Select(f => f.Index));
        Assert.True(Tool("tshark") is not null || Environment.GetEnvironmentVariable("CI") is null, "tshark is missing in CI");
        if (Tool("tshark") is { } tshark)
        {
            // tshark's frame lengths and captured lengths must be ours, frame by frame.
            var lines = Run(tshark, $"-r \"{path}\" -T fields -e frame.len -e frame.cap_len").Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(lines.Length, r.Frames.Count);
            for (int i = 0; i < lines.Length; i++)
                Assert.Equal(lines[i].Trim(), $"{r.Frames[i].OriginalLength}\t{r.Frames[i].Data.Length}");
        }
    }

    [SkippableTheory, MemberData(nameof(Captures))]
    public void Pcapng_from_editcap_holds_the_same_frames_and_times(string name)
    {
        var editcap = Tool("editcap");
        if (editcap is null)
        {
            // editcap ships with tshark; CI installs it, so its absence there is a failure, not a skip.
            Skip.If(Environment.GetEnvironmentVariable("CI") is null, "editcap (tshark) is not installed");
            Assert.Fail("editcap is missing in CI");
        }
        var path = Path.Combine(PcapsDir, name);
        var ng = Path.Combine(Path.GetTempPath(), $"meshsim-{Guid.NewGuid():N}.pcapng");
        try
        {
            Run(editcap, $"-F pcapng \"{path}\" \"{ng}\"");
            var a = CaptureReader.ReadFile(path);
            var b = CaptureReader.ReadFile(ng);
            Assert.Empty(b.Problems);
            Assert.Equal(a.Frames.Select(f => (f.TimestampNs, Convert.ToHexString(f.Data))), b.Frames.Select(f => (f.TimestampNs, Convert.ToHexString(f.Data))));
        }
        finally { File.Delete(ng); }
    }

    [Fact]
    public void A_cut_off_file_keeps_the_whole_frames_and_names_the_offset()
    {
        var bytes = File.ReadAllBytes(Path.Combine(PcapsDir, "wire-loopback.pcap"));   // its last frame is longer than 5 bytes
        var full = CaptureReader.Read(bytes);
        var cut = CaptureReader.Read(bytes.AsSpan(0, bytes.Length - 5));
        Assert.Equal(full.Frames.Count - 1, cut.Frames.Count);
        var problem = Assert.Single(cut.Problems);
        Assert.Equal(full.Frames[^1].FileOffset, problem.FileOffset);
        Assert.Contains("is cut off", problem.Message);
    }

    [Fact]
    public void Not_a_capture_says_what_was_expected()
    {
        var r = CaptureReader.Read("GET / HTTP/1.1\r\n"u8);
        Assert.Equal("byte 0: unknown magic 0x20544547: expected a pcap (a1b2c3d4/a1b23c4d) or pcapng (0a0d0d0a) file", Assert.Single(r.Problems).ToString());
    }

    [Fact]
    public void Never_throws_on_mutated_or_random_captures()
    {
        var seeds = Directory.GetFiles(PcapsDir, "*.pcap").Select(File.ReadAllBytes).ToArray();
        var gen = from seed in Gen.Elements(seeds)
                  from flips in Gen.ListOf(Gen.Zip(Gen.Choose(0, 4095), Gen.Choose(0, 255)))
                  from cut in Gen.Choose(0, 4096)
                  select Mutate(seed, flips, cut);
        Prop.ForAll(gen.ToArbitrary(), bytes => { _ = CaptureReader.Read(bytes); return true; })
            .Check(Config.Quick.WithMaxTest(2000).WithQuietOnSuccess(true));
        Prop.ForAll<byte[]>(bytes => { _ = CaptureReader.Read(bytes); return true; })
            .Check(Config.Quick.WithMaxTest(2000).WithQuietOnSuccess(true));
    }

    private static byte[] Mutate(byte[] seed, IEnumerable<(int At, int Value)> flips, int cut)
    {
        var b = seed.ToArray();
        foreach (var (at, value) in flips) b[at % b.Length] = (byte)value;
        return b.AsSpan(0, Math.Min(b.Length, cut + 24)).ToArray();
    }

    internal static string? Tool(string name) =>
        Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    internal static string Run(string exe, string args)
    {
        using var p = Process.Start(new ProcessStartInfo(exe, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{exe} {args} failed ({p.ExitCode}): {error}");
        return output;
    }
}
