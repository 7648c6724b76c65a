using System.Diagnostics;
using MeshSim.Engine;
using MeshSim.Engine.Capture;
using MeshSim.Stack.Async;
using Xunit.Abstractions;

namespace MeshSim.Stack.Tests.Sockets;

/// <summary>Captures simulated traffic to pcap and lets tshark judge it: no malformed packets, no
/// checksum errors, and on a lossy link retransmissions flagged as such.</summary>
public sealed class TsharkCaptureTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"meshsim-stack-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static string Tshark(string args)
    {
        var psi = new ProcessStartInfo("tshark", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e) { throw new InvalidOperationException("tshark is needed for capture tests (Debian package 'tshark'; CI installs it)", e); }
        using var _ = p;
        string stdout = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"tshark {args} exited {p.ExitCode}");
        return stdout;
    }

    private string Capture(double lossRate, string name)
    {
        var n = new StarNet(2, new LinkOptions(LatencyNs: 100_000, LossRate: lossRate), seed: 3, direct: true);
        var dir = Path.Combine(_root, name);
        using (var cap = NetworkCapture.PcapPerPort(n.Net, dir, name))
        {
            var listener = n[2].Listen(80);
            n.Sim.Spawn(async () =>
            {
                var s = await listener.AcceptAsync();
                var buf = new byte[65536];
                while (await s.ReceiveAsync(buf) > 0) { }
                s.Close();
            });
            n.Sim.Spawn(async () =>
            {
                _ = await n[1].PingAsync(n[2].Address);
                var c = await n[1].ConnectAsync(n[2].Address, 80);
                await c.SendAsync(new byte[300_000]);
                c.Close();
                var refused = n[1].ConnectAsync(n[2].Address, 81);   // RST from a closed port
                try { await refused; } catch (MeshSim.Stack.Sockets.TcpException) { }
                n[1].BindUdp(5000).SendTo(n[2].Address, 5001, new byte[32]);   // ICMP port unreachable
            });
            n.Sim.RunUntil(60 * SimTime.Second);
        }
        return Path.Combine(dir, NetworkCapture.PcapFileName(name, n[1].Ports[0]));
    }

    [Fact]
    public void Clean_link_capture_decodes_without_errors()
    {
        var pcap = Capture(0, "clean");
        string expert = Tshark($"-r {pcap} -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -Y \"(_ws.malformed || _ws.expert.severity >= warning) && !(tcp.flags.reset == 1 && tcp.dstport == 81 || tcp.srcport == 81)\" -T fields -e frame.number -e _ws.expert.message");
        output.WriteLine(expert);
        Assert.Equal("", expert.Trim());   // the only warning-level event, the RST from closed port 81, is excluded above
        string protocols = Tshark($"-r {pcap} -T fields -e frame.protocols");
        Assert.Contains("eth:ethertype:arp", protocols);
        Assert.Contains("eth:ethertype:ip:icmp", protocols);
        Assert.Contains("eth:ethertype:ip:tcp", protocols);
        string bad = Tshark($"-r {pcap} -o tcp.check_checksum:TRUE -Y \"tcp.checksum.status == 0 || ip.checksum.status == 0 || icmp.checksum.status == 0 || udp.checksum.status == 0\"");
        Assert.Equal("", bad.Trim());
        string syn = Tshark($"-r {pcap} -Y \"tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.dstport == 80\" -T fields -e tcp.options.mss_val -e tcp.options.wscale.shift");
        Assert.StartsWith("1460\t", syn.Trim());
    }

    [Fact]
    public void Same_seed_writes_byte_identical_captures()
    {
        var a = File.ReadAllBytes(Capture(0.02, "det-a"));
        var b = File.ReadAllBytes(Capture(0.02, "det-b"));
        Assert.True(a.Length > 100_000);
        Assert.True(a.AsSpan().SequenceEqual(b));
    }

    [Fact]
    public void Lossy_link_shows_retransmissions_and_no_malformed_packets()
    {
        var pcap = Capture(0.02, "lossy");
        string malformed = Tshark($"-r {pcap} -o tcp.check_checksum:TRUE -Y \"_ws.malformed || tcp.checksum.status == 0\"");
        Assert.Equal("", malformed.Trim());
        string retrans = Tshark($"-r {pcap} -Y \"tcp.analysis.retransmission || tcp.analysis.fast_retransmission\" -T fields -e frame.number");
        int count = retrans.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        output.WriteLine($"{count} retransmissions flagged");
        Assert.True(count > 0, "a 2% lossy link must show retransmissions");
    }

    [Fact]
    public void Http_through_hashicups_decodes_as_http_with_status_200()
    {
        var n = new StarNet(6, new LinkOptions(LatencyNs: 50_000), seed: 4);
        var dir = Path.Combine(_root, "http");
        using (var cap = NetworkCapture.PcapPerPort(n.Net, dir, "http"))
        {
            Apps.HashiCupsDeployment.Deploy(n);
            n.Sim.Spawn(async () =>
            {
                var client = new MeshSim.Stack.Apps.Http.SimHttpClient(n[1]);
                for (int i = 0; i < 3; i++) Assert.Equal(200, (await client.GetAsync(n[2].Address, 80, "/api")).Status);
            });
            n.Sim.RunUntil(5 * SimTime.Second);
        }
        // h3 runs public-api on 8080, which tshark decodes as HTTP by default.
        var pcap = Path.Combine(dir, NetworkCapture.PcapFileName("http", n[3].Ports[0]));
        string bad = Tshark($"-r {pcap} -o tcp.check_checksum:TRUE -Y \"_ws.malformed || tcp.checksum.status == 0 || _ws.expert.severity >= warning\"");
        Assert.Equal("", bad.Trim());
        string codes = Tshark($"-r {pcap} -Y http.response -T fields -e http.response.code -e http.content_length");
        var lines = codes.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Count(l => l.StartsWith("200\t1024")));            // public-api's answers to the frontend
        string requests = Tshark($"-r {pcap} -Y http.request -T fields -e http.request.method -e http.request.uri");
        Assert.Contains("GET\t/api", requests);
    }
}
