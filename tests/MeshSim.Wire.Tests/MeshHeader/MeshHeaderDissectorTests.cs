using System.Diagnostics;
using System.Text;
using MeshSim.Wire;
using MeshSim.Wire.Tests.Http;

namespace MeshSim.Wire.Tests.MeshHeader;

/// <summary>
/// Runs the Wireshark dissector in tools/wireshark/meshheader.lua under tshark on a pcap of
/// simulated traffic (Ethernet/IPv4/TCP frames with correct checksums, built by FrameBuilder) and
/// checks what it decodes. tshark is installed on developer machines and in CI.
/// </summary>
public class MeshHeaderDissectorTests
{
    private static readonly MacAddress ClientMac = MacAddress.Parse("02:00:00:00:00:01"), ServerMac = MacAddress.Parse("02:00:00:00:00:02");
    private static readonly Ipv4Address ClientIp = Ipv4Address.Parse("10.0.0.1"), ServerIp = Ipv4Address.Parse("10.0.0.2");

    /// <summary>One message; with <paramref name="SplitAt"/> it goes out as two TCP segments cut at that byte.</summary>
    private sealed record Message(ushort ClientPort, ushort ServerPort, bool FromClient, byte[] Payload, int SplitAt = 0);

    /// <summary>What the simulated client and server send: the mesh header made by the converter from
    /// the HTTP head, then the HTTP message itself.</summary>
    private static byte[] WithMesh(string http, bool request)
    {
        var bytes = Latin1.Bytes(http);
        var mesh = new byte[1024];
        var r = request
            ? MeshHttpConverter.RequestToMesh(bytes, MeshCarriedHeaders.Of("host", "accept", "content-length"), mesh)
            : MeshHttpConverter.ResponseToMesh(bytes, MeshCarriedHeaders.Of("content-type", "content-length", "retry-after"), mesh);
        Assert.Equal(HttpParseStatus.Complete, r.Status);
        return mesh[..r.MeshWritten].Concat(bytes).ToArray();
    }

    private static readonly Message[] Traffic =
    [
        new(49152, 18080, true, WithMesh("GET /api/list HTTP/1.1\r\nHost: localhost:8080\r\nConnection: keep-alive\r\nAccept: application/json\r\n\r\n", request: true)),
        new(49152, 18080, false, WithMesh("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok", request: false)),
        new(49153, 18080, true, WithMesh("PURGE /cache/menu HTTP/1.1\r\nHost: cache\r\n\r\n", request: true)),
        new(49153, 18080, false, WithMesh("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 0\r\n\r\n", request: false)),
        new(49154, 18080, true, Latin1.Bytes("GET /plain HTTP/1.1\r\nHost: legacy\r\n\r\n")),
        new(49155, 80, true, WithMesh("POST /orders HTTP/1.1\r\nHost: shop\r\nContent-Length: 0\r\n\r\n", request: true)),
        new(49156, 80, true, Latin1.Bytes("GET /plain80 HTTP/1.1\r\nHost: legacy\r\n\r\n")),
        // TCP may cut anywhere: here inside the mesh header's fixed part; tshark must reassemble.
        new(49157, 18080, true, WithMesh("DELETE /carts/42 HTTP/1.1\r\nHost: cart\r\n\r\n", request: true), SplitAt: 7),
    ];

    private static List<byte[]> Frames()
    {
        var frames = new List<byte[]>();
        var seq = new Dictionary<(ushort, bool), uint>();
        foreach (var m in Traffic)
        {
            var key = (m.ClientPort, m.FromClient);
            uint s = seq.GetValueOrDefault(key, m.FromClient ? 1000u : 5000u);
            uint ack = seq.GetValueOrDefault((m.ClientPort, !m.FromClient), m.FromClient ? 5000u : 1000u);
            var eth = m.FromClient ? new EthernetRepr(ClientMac, ServerMac, 0) : new EthernetRepr(ServerMac, ClientMac, 0);
            var ip = m.FromClient ? new Ipv4Repr(ClientIp, ServerIp) : new Ipv4Repr(ServerIp, ClientIp);
            var tcp = new TcpRepr(m.FromClient ? m.ClientPort : m.ServerPort, m.FromClient ? m.ServerPort : m.ClientPort,
                                  s, ack, TcpFlags.Psh | TcpFlags.Ack, 64240);
            int cut = m.SplitAt > 0 ? m.SplitAt : m.Payload.Length;
            foreach (var (part, offset) in new[] { (m.Payload[..cut], 0), (m.Payload[cut..], cut) })
            {
                if (part.Length == 0) continue;
                var buffer = new byte[2048];
                int n = FrameBuilder.Tcp(buffer, eth, ip, tcp with { SequenceNumber = s + (uint)offset }, part);
                frames.Add(buffer[..n]);
            }
            seq[key] = s + (uint)m.Payload.Length;
        }
        return frames;
    }

    private static string? FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static string? Tshark() =>
        new[] { "/usr/bin/tshark", "/usr/local/bin/tshark" }.FirstOrDefault(File.Exists);

    [Fact]
    public void Tshark_decodes_the_mesh_headers_of_simulated_traffic()
    {
        string tshark = Tshark() ?? throw new InvalidOperationException("tshark is required (Debian package tshark)");
        string script = FindUp(Path.Combine("tools", "wireshark", "meshheader.lua")) ?? throw new FileNotFoundException("tools/wireshark/meshheader.lua");
        string pcap = Path.Combine(Path.GetTempPath(), $"meshheader-{Environment.ProcessId}-{Guid.NewGuid():N}.pcap");
        try
        {
            PcapFile.Write(pcap, Frames());
            string[] fields =
            [
                "frame.number", "meshheader.type", "meshheader.method", "meshheader.method_token", "meshheader.status",
                "meshheader.route", "meshheader.header_count", "meshheader.total_length", "meshheader.label", "meshheader.value",
                "http.request.method", "http.response.code", "tcp.checksum.status", "ip.checksum.status",
            ];
            var args = new List<string>
            {
                "-X", "lua_script:" + script, "-r", pcap, "-n",
                // Port 80 belongs to HTTP in Wireshark; "Decode As" hands it to the mesh dissector, which falls back to HTTP.
                "-d", "tcp.port==80,meshheader", "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
                "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=|",
            };
            foreach (var field in fields) { args.Add("-e"); args.Add(field); }
            var (exit, stdout, stderr) = Run(tshark, args);
            Assert.True(exit == 0, $"tshark exited {exit}: {stderr}");
            Assert.DoesNotContain("Lua: Error", stderr);

            var rows = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r').Split('\t')).ToArray();
            Assert.Equal(Traffic.Length + Traffic.Count(m => m.SplitAt > 0), rows.Length);
            string Row(int i) => string.Join(" ; ", rows[i][1..]);

            // type ; method ; token ; status ; route ; count ; total length ; labels ; values ; http method ; http code ; tcp, ip checksum (1 = good)
            Assert.Equal("0 ; 1 ; GET ; 0 ; /api/list ; 2 ; 65 ; host|accept ; localhost:8080|application/json ; GET ;  ; 1 ; 1", Row(0));
            Assert.Equal("1 ; 0 ;  ; 200 ;  ; 2 ; 53 ; content-type|content-length ; text/plain|2 ;  ; 200 ; 1 ; 1", Row(1));
            // Wireshark's HTTP dissector does not know the PURGE method, so only the mesh header is decoded.
            Assert.Equal("0 ; 15 ; PURGE ; 0 ; /cache/menu ; 2 ; 48 ; :method|host ; PURGE|cache ;  ;  ; 1 ; 1", Row(2));
            Assert.Equal("1 ; 0 ;  ; 503 ;  ; 2 ; 43 ; retry-after|content-length ; 5|0 ;  ; 503 ; 1 ; 1", Row(3));
            Assert.Equal(" ;  ;  ;  ;  ;  ;  ;  ;  ; GET ;  ; 1 ; 1", Row(4));   // plain HTTP is left to the HTTP dissector
            Assert.Equal("0 ; 3 ; POST ; 0 ; /orders ; 2 ; 46 ; host|content-length ; shop|0 ; POST ;  ; 1 ; 1", Row(5));
            Assert.Equal(" ;  ;  ;  ;  ;  ;  ;  ;  ; GET ;  ; 1 ; 1", Row(6));   // plain HTTP on a "Decode As" port
            Assert.Equal(" ;  ;  ;  ;  ;  ;  ;  ;  ;  ;  ; 1 ; 1", Row(7));      // first 7 bytes: nothing to decode yet
            Assert.Equal("0 ; 5 ; DELETE ; 0 ; /carts/42 ; 1 ; 30 ; host ; cart ; DELETE ;  ; 1 ; 1", Row(8));
        }
        finally
        {
            File.Delete(pcap);
        }
    }

    [Fact]
    public void Tshark_flags_a_malformed_mesh_header()
    {
        string tshark = Tshark() ?? throw new InvalidOperationException("tshark is required (Debian package tshark)");
        string script = FindUp(Path.Combine("tools", "wireshark", "meshheader.lua")) ?? throw new FileNotFoundException("tools/wireshark/meshheader.lua");
        string pcap = Path.Combine(Path.GetTempPath(), $"meshheader-bad-{Environment.ProcessId}-{Guid.NewGuid():N}.pcap");
        try
        {
            var payload = Convert.FromHexString(MeshHeaderVectors.All[0].Hex);
            payload[7] = 0x02; // a request with a status code
            var buffer = new byte[512];
            int n = FrameBuilder.Tcp(buffer, new EthernetRepr(ClientMac, ServerMac, 0), new Ipv4Repr(ClientIp, ServerIp),
                new TcpRepr(40000, 18080, 1, 1, TcpFlags.Psh | TcpFlags.Ack, 1000), payload);
            PcapFile.Write(pcap, [buffer[..n]]);
            var (exit, stdout, stderr) = Run(tshark, ["-X", "lua_script:" + script, "-r", pcap, "-T", "fields", "-e", "meshheader.route", "-e", "_ws.expert.message"]);
            Assert.True(exit == 0, stderr);
            Assert.Equal("/api/list\trequest with a status", stdout.Trim());
        }
        finally
        {
            File.Delete(pcap);
        }
    }

    private static (int Exit, string Stdout, string Stderr) Run(string file, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(60_000)) { p.Kill(); throw new TimeoutException("tshark took over 60 s"); }
        return (p.ExitCode, stdout, stderr.Result);
    }
}
