using System.Buffers.Binary;
using MeshSim.Engine.Capture;

namespace MeshSim.Engine.Tests;

public class CaptureTests
{
    private static readonly byte[] SampleFrame = MakeFrame(64, 0xAB);

    private static byte[] MakeFrame(int length, byte fill)
    {
        var b = new byte[length];
        Array.Fill(b, fill);
        byte[] macs = [0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01];
        macs.CopyTo(b, 0);
        b[12] = 0x88; b[13] = 0xB5;   // local experimental EtherType
        return b;
    }

    [Fact]
    public void Pcap_header_and_record_bytes_are_exact()
    {
        var ms = new MemoryStream();
        using (var w = new PcapWriter(ms, leaveOpen: true))
            w.Write(3_000_000_123, SampleFrame.AsSpan(0, 60));
        var b = ms.ToArray();
        Assert.Equal(24 + 16 + 60, b.Length);
        Assert.Equal(new byte[] { 0x4d, 0x3c, 0xb2, 0xa1, 2, 0, 4, 0 }, b[..8]);          // nanosecond magic, v2.4
        Assert.Equal(262144u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(16)));   // snaplen
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(20)));        // Ethernet
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(24)));        // seconds
        Assert.Equal(123u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(28)));      // nanoseconds
        Assert.Equal(60u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(32)));
        Assert.Equal(60u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(36)));
        Assert.Equal(SampleFrame[..60], b[40..]);
    }

    [Fact]
    public void Pcap_refuses_times_it_cannot_represent()
    {
        using var w = new PcapWriter(Stream.Null);
        Assert.Throws<ArgumentOutOfRangeException>(() => w.Write(-1, SampleFrame));
        Assert.Throws<ArgumentOutOfRangeException>(() => w.Write((uint.MaxValue + 1L) * 1_000_000_000, SampleFrame));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PcapWriter(Stream.Null, epochNs: -5));
    }

    [Fact]
    public void Pcapng_blocks_are_well_formed_and_lengths_agree()
    {
        var ms = new MemoryStream();
        using (var w = new PcapNgWriter(ms, leaveOpen: true))
        {
            Assert.Equal(0, w.AddInterface("h1-eth1", "h1:1"));
            Assert.Equal(1, w.AddInterface("h2-eth1"));
            w.Write(0, 1_500, SampleFrame.AsSpan(0, 61), TapDirection.Transmit);   // 61: padding path
            w.Write(1, (1L << 33) + 7, SampleFrame, TapDirection.Receive);         // needs the high timestamp word
            w.Write(1, 9, SampleFrame.AsSpan(0, 14));
            Assert.Throws<ArgumentOutOfRangeException>(() => w.Write(2, 0, SampleFrame));
        }
        var blocks = ReadBlocks(ms.ToArray());
        Assert.Equal(new uint[] { 0x0A0D0D0A, 1, 1, 6, 6, 6 }, blocks.Select(x => x.Type));
        Assert.Equal(0x1A2B3C4Du, BinaryPrimitives.ReadUInt32LittleEndian(blocks[0].Body));
        var p1 = blocks[3].Body;
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(p1));
        Assert.Equal(1_500u, BinaryPrimitives.ReadUInt32LittleEndian(p1[8..]));
        Assert.Equal(61u, BinaryPrimitives.ReadUInt32LittleEndian(p1[12..]));
        Assert.Equal(SampleFrame[..61], p1[20..81]);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(p1[(84 + 4)..]));      // epb_flags outbound
        var p2 = blocks[4].Body;
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(p2[4..]));              // timestamp high word
        Assert.Equal(7u, BinaryPrimitives.ReadUInt32LittleEndian(p2[8..]));
    }

    /// <summary>Walks pcapng blocks checking that leading and trailing lengths agree and are 4-aligned.</summary>
    private static List<(uint Type, byte[] Body)> ReadBlocks(byte[] file)
    {
        var blocks = new List<(uint, byte[])>();
        int at = 0;
        while (at < file.Length)
        {
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at));
            int len = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at + 4));
            Assert.True(len % 4 == 0 && len >= 12 && at + len <= file.Length, $"bad block length {len} at {at}");
            Assert.Equal(len, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at + len - 4)));
            blocks.Add((type, file[(at + 8)..(at + len - 4)]));
            at += len;
        }
        return blocks;
    }

    private static Network TwoNodes(out RecordingNode a, out RecordingNode b, out Link link, ulong seed = 1)
    {
        var net = new Network(seed);
        a = new RecordingNode(net, "a");
        b = new RecordingNode(net, "b/x");   // a character not allowed in file names
        link = net.Connect(a.Port1, b.Port1, new LinkOptions(LatencyNs: 1_000));
        return net;
    }

    [Fact]
    public void Per_port_pcaps_use_ns3_names_and_hold_both_directions()
    {
        using var dir = new TempDir();
        var net = TwoNodes(out var a, out var b, out _);
        using (var cap = NetworkCapture.PcapPerPort(net, dir.Path, "run"))
        {
            Assert.Equal(new[] { dir.File("run-a-1.pcap"), dir.File("run-b_x-1.pcap") }, cap.Files);
            a.Send(60, tag: 1);
            b.Send(100, tag: 2);
            net.Sim.Run();
        }
        // Each port's file: its own transmit and its receive, 2 records each.
        Assert.Equal(24 + 2 * 16 + 60 + 100, new FileInfo(dir.File("run-a-1.pcap")).Length);
        Assert.Equal(24 + 2 * 16 + 60 + 100, new FileInfo(dir.File("run-b_x-1.pcap")).Length);
        Assert.Empty(net.Links[0].Taps);   // detached on dispose
    }

    [Fact]
    public void Two_ports_mapping_to_one_file_name_are_refused_and_nothing_stays_attached()
    {
        using var dir = new TempDir();
        var net = new Network();
        var a = new RecordingNode(net, "a/x");
        var b = new RecordingNode(net, "a_x");
        net.Connect(a.Port1, b.Port1);
        var ex = Assert.Throws<ArgumentException>(() => NetworkCapture.PcapPerPort(net, dir.Path, "p"));
        Assert.Contains("p-a_x-1.pcap", ex.Message);
        Assert.Empty(net.Links[0].Taps);
    }

    [TsharkFact]
    public void Tshark_reads_per_port_pcaps_with_virtual_timestamps()
    {
        using var dir = new TempDir();
        var net = TwoNodes(out var a, out var b, out _);
        using (NetworkCapture.PcapPerPort(net, dir.Path, "ts"))
        {
            a.Send(60);
            net.Sim.Schedule(2_000_000_000, () => a.Send(1514));
            net.Sim.Run();
        }
        foreach (var file in new[] { "ts-a-1.pcap", "ts-b_x-1.pcap" })
            Assert.Equal(2, Tshark.AssertReadsCleanly(dir.File(file)));
        var (exit, times, _) = Tshark.Run("-r", dir.File("ts-b_x-1.pcap"), "-T", "fields", "-e", "frame.time_epoch", "-e", "frame.len");
        Assert.Equal(0, exit);
        // b receives at ser(60)=672 + 1000 ns, and at 2 s + ser(1514)=12,304 + 1000 ns.
        Assert.Equal(new[] { "0.000001672\t60", "2.000013304\t1514" }, times.Trim().Split('\n').Select(l => l.Trim()));
    }

    [TsharkFact]
    public void Tshark_reads_pcapng_in_both_layouts()
    {
        using var dir = new TempDir();
        foreach (var layout in new[] { PcapNgLayout.PerLinkEnd, PcapNgLayout.PerLink })
        {
            var net = TwoNodes(out var a, out var b, out _);
            var c = new RecordingNode(net, "c");
            var d = new RecordingNode(net, "d");
            net.Connect(c.Port1, d.Port1);
            var path = dir.File($"{layout}.pcapng");
            using (NetworkCapture.PcapNg(net, path, layout))
            {
                a.Send(61);
                b.Send(1514);
                c.Send(333);
                net.Sim.Run();
            }
            int expected = layout == PcapNgLayout.PerLinkEnd ? 6 : 3;
            Assert.Equal(expected, Tshark.AssertReadsCleanly(path));
            var (exit, ifaces, _) = Tshark.Run("-r", path, "-T", "fields", "-e", "frame.interface_name", "-e", "frame.len");
            Assert.Equal(0, exit);
            var rows = ifaces.Trim().Split('\n').Select(l => l.Trim()).Order(StringComparer.Ordinal).ToArray();
            var want = layout == PcapNgLayout.PerLinkEnd
                ? new[] { "a-eth1\t1514", "a-eth1\t61", "b/x-eth1\t1514", "b/x-eth1\t61", "c-eth1\t333", "d-eth1\t333" }
                : new[] { "a-eth1_b/x-eth1\t1514", "a-eth1_b/x-eth1\t61", "c-eth1_d-eth1\t333" };
            Assert.Equal(want, rows);
        }
    }

    [Fact]
    public void Same_seed_gives_byte_identical_captures_with_loss_and_queueing()
    {
        byte[][] Capture(ulong seed)
        {
            using var dir = new TempDir();
            var net = new Network(seed);
            var a = new RecordingNode(net, "a");
            var b = new RecordingNode(net, "b");
            net.Connect(a.Port1, b.Port1, new LinkOptions(LatencyNs: 3_000, BitsPerSecond: 100_000_000, QueueFrames: 5, LossRate: 0.2));
            var rng = net.Sim.Random("traffic");
            for (int i = 0; i < 300; i++)
            {
                int len = rng.Next(14, 1515);
                long tag = i;
                net.Sim.Schedule(rng.Next(0, 1_000_000), () => (tag % 3 == 0 ? b : a).Send(len, tag));
            }
            using (NetworkCapture.PcapPerPort(net, dir.Path, "p"))
            using (NetworkCapture.PcapNg(net, dir.File("all.pcapng")))
                net.Sim.Run();
            return new[] { "p-a-1.pcap", "p-b-1.pcap", "all.pcapng" }.Select(f => File.ReadAllBytes(dir.File(f))).ToArray();
        }
        var first = Capture(9);
        var second = Capture(9);
        var other = Capture(10);
        for (int i = 0; i < first.Length; i++) Assert.Equal(first[i], second[i]);
        Assert.NotEqual(first[0], other[0]);
    }
}
