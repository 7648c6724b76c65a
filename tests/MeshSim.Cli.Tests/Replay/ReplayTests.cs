using MeshSim.Cli.Tests.Run;
using MeshSim.Engine.Capture;
using MeshSim.Wire;

namespace MeshSim.Cli.Tests.Replay;

/// <summary>
/// pcaps/replay-thesis-s1.pcap holds what H1 and H2 send towards s1 in the thesis lab (ARP for the
/// virtual IP, a SYN to each upstream, a denied SYN, a malformed frame), and
/// pcaps/replay-thesis-s1.expected the verdicts `meshsim replay` gives for it. Regenerate both with
/// MESHSIM_UPDATE_GOLDEN=1 and review the diff like code.
/// </summary>
public class ReplayTests
{
    private static string Pcap => Path.Combine(ThesisLabTests.Repo, "pcaps", "replay-thesis-s1.pcap");
    private static string Expected => Path.Combine(ThesisLabTests.Repo, "pcaps", "replay-thesis-s1.expected");

    private static readonly MacAddress H1 = MacAddress.Parse("00:00:00:00:00:01"), Vmac = MacAddress.Parse("02:00:00:00:00:fa");
    private static readonly Ipv4Address H1Ip = Ipv4Address.Parse("192.168.1.11"), Vip = Ipv4Address.Parse("192.168.1.250");

    private static byte[] Syn(ushort sport, ushort dport)
    {
        var b = new byte[128];
        int n = FrameBuilder.Tcp(b, new EthernetRepr(H1, Vmac, EtherType.Ipv4), new Ipv4Repr(H1Ip, Vip, Ttl: 64),
            new TcpRepr(sport, dport, 1000, 0, TcpFlags.Syn, 64240, new TcpOptions(MaxSegmentSize: 1460)), ReadOnlySpan<byte>.Empty);
        return b[..n];
    }

    private static void WriteCapture(string path)
    {
        using var w = PcapWriter.Create(path);
        var arp = new byte[64];
        int n = FrameBuilder.ArpRequest(arp, H1, H1Ip, Vip);
        w.Write(1_000, arp.AsSpan(0, n));
        w.Write(2_000, Syn(40000, 9191));      // frontend -> public-api: same host, hairpin
        w.Write(3_000, Syn(40001, 9341));      // public-api -> product-api on H2
        w.Write(4_000, Syn(40002, 9999));      // no upstream on this port
        w.Write(5_000, new byte[] { 0x00, 0x01, 0x02 });   // a runt
    }

    [Fact]
    public void Replay_reports_each_frame_as_the_golden_file_says()
    {
        if (Environment.GetEnvironmentVariable("MESHSIM_UPDATE_GOLDEN") == "1") WriteCapture(Pcap);
        var (code, output, error) = CliProcess.Run("replay", Pcap, "--into", "s1:1", "--timing", "fast");
        Assert.True(code == 0, error);
        if (Environment.GetEnvironmentVariable("MESHSIM_UPDATE_GOLDEN") == "1") File.WriteAllText(Expected, output);
        Assert.Equal(File.ReadAllText(Expected), output);
        // What the golden file must keep saying:
        Assert.Contains("forwarded to 1", output);                  // the ARP reply and the hairpinned SYN leave by the input port
        Assert.Contains("nw_dst=192.168.1.12", output);             // the SYN to product-api is DNATed to H2
        Assert.Contains("malformed: shorter than an Ethernet header", output);
        Assert.Contains("dropped: table ", output);                 // the unknown port
    }

    [Fact]
    public void Json_verdicts_and_output_captures()
    {
        var dir = Directory.CreateTempSubdirectory("meshsim-replay-");
        try
        {
            var (code, json, _) = CliProcess.Run("replay", Pcap, "--into", "s1:1", "--json", "--out", dir.FullName);
            Assert.Equal(0, code);
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            var packets = doc.RootElement.GetProperty("packets").EnumerateArray().ToList();
            Assert.Equal(5, packets.Count);
            Assert.Equal("forwarded", packets[2].GetProperty("fate").GetString());
            Assert.Equal(2u, packets[2].GetProperty("outputs")[0].GetProperty("port").GetUInt32());
            Assert.Equal("malformed", packets[4].GetProperty("fate").GetString());
            Assert.True(File.Exists(Path.Combine(dir.FullName, "replay-s1-s1-2.pcap")));
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Bad_arguments_are_explained()
    {
        var (code, _, err) = CliProcess.Run("replay", Pcap, "--into", "s1");
        Assert.Equal(2, code);
        Assert.Equal("meshsim replay: --into: expected SWITCH:PORT such as s1:1, got 's1'; see 'meshsim replay --help'\n", err);
        var (code2, _, err2) = CliProcess.Run("replay", Path.Combine(ThesisLabTests.Repo, "README.md"), "--into", "s1:1");
        Assert.Equal(2, code2);
        Assert.Contains("unknown magic", err2);
        var (code3, _, err3) = CliProcess.Run("replay", Pcap, Pcap, "--into", "s1:1");
        Assert.Equal(2, code3);
        Assert.Equal("meshsim replay: --into: 2 capture(s) need as many --into, one per capture in the same order; got 1; see 'meshsim replay --help'\n", err3);
        var (code4, _, err4) = CliProcess.Run("replay", Pcap, Pcap, "--into", "s1:1", "--into", "s2:1");
        Assert.Equal(2, code4);
        Assert.Equal("meshsim replay: --into: every capture must enter the same switch, got s1, s2; see 'meshsim replay --help'\n", err4);
    }

    [Fact]
    public void Two_captures_merge_by_timestamp_and_replies_on_the_other_port_meet_the_connection()
    {
        // H2's SYN-ACK enters by port 2 between H1's SYN and H1's ACK (port 1): the merged replay
        // must un-NAT it as a reply of the connection the SYN made, which it can only do in time order.
        var dir = Directory.CreateTempSubdirectory("meshsim-replay2-");
        try
        {
            var h2 = MacAddress.Parse("00:00:00:00:00:02");
            var h2Ip = Ipv4Address.Parse("192.168.1.12");
            using (var w = PcapWriter.Create(Path.Combine(dir.FullName, "p1.pcap")))
            {
                w.Write(1_000, Syn(40001, 9341));
                var ack = new byte[128];
                int n = FrameBuilder.Tcp(ack, new EthernetRepr(H1, Vmac, EtherType.Ipv4), new Ipv4Repr(H1Ip, Vip, Ttl: 64),
                    new TcpRepr(40001, 9341, 1001, 5001, TcpFlags.Ack, 64240, default), ReadOnlySpan<byte>.Empty);
                w.Write(3_000, ack.AsSpan(0, n));
            }
            using (var w = PcapWriter.Create(Path.Combine(dir.FullName, "p2.pcap")))
            {
                var synAck = new byte[128];
                int n = FrameBuilder.Tcp(synAck, new EthernetRepr(h2, H1, EtherType.Ipv4), new Ipv4Repr(h2Ip, H1Ip, Ttl: 64),
                    new TcpRepr(19572, 40001, 5000, 1001, TcpFlags.Syn | TcpFlags.Ack, 64240, new TcpOptions(MaxSegmentSize: 1460)), ReadOnlySpan<byte>.Empty);
                w.Write(2_000, synAck.AsSpan(0, n));
            }
            var (code, text, err) = CliProcess.Run("replay", Path.Combine(dir.FullName, "p1.pcap"), Path.Combine(dir.FullName, "p2.pcap"), "--into", "s1:1", "--into", "s1:2");
            Assert.True(code == 0, err);
            var lines = text.Split('\n');
            Assert.StartsWith("  1:1", lines[0]);
            Assert.Contains(lines, l => l.StartsWith("  2:1", StringComparison.Ordinal));
            Assert.Contains("conntrack: est|rpl|trk|snat", text);                              // the SYN-ACK is a reply (un-DNAT shows as +snat, as in OVS)...
            Assert.Contains("nw_src=192.168.1.250,nw_dst=192.168.1.11", text);               // ...un-DNATed to the VIP
            Assert.Contains("     2  forwarded to 2  (frames 1:1,1:2)", text);              // SYN and ACK to H2
            Assert.Contains("     1  forwarded to 1  (frames 2:1)", text);                  // the SYN-ACK to H1
        }
        finally { dir.Delete(true); }
    }
}
