using System.Text;

namespace MeshSim.Engine.Capture;

/// <summary>
/// Captures every link of a <see cref="Network"/> in one call, the way ns-3's EnablePcapAll does:
/// either one classic pcap per port, named <c>&lt;prefix&gt;-&lt;node&gt;-&lt;port number&gt;.pcap</c>, or
/// one pcapng for the whole network. Links connected after the call are not captured. Dispose to
/// flush and close the files (and detach the taps).
/// </summary>
public sealed class NetworkCapture : IDisposable
{
    private readonly List<(Link Link, IFrameTap Tap)> _taps = new();
    private readonly List<IDisposable> _files = new();
    private readonly List<string> _paths = new();
    private bool _disposed;

    private NetworkCapture() { }

    /// <summary>Files being written, in link order (A end before B end).</summary>
    public IReadOnlyList<string> Files => _paths;

    /// <summary>One pcap per linked port, in <paramref name="directory"/> (created if missing).</summary>
    /// <param name="network">The network whose links (as of now) are captured.</param>
    /// <param name="directory">Output directory.</param>
    /// <param name="prefix">File name prefix, e.g. "demo" gives "demo-h1-1.pcap".</param>
    /// <param name="epochNs">Unix time in ns of virtual time 0.</param>
    public static NetworkCapture PcapPerPort(Network network, string directory, string prefix, long epochNs = 0)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        Directory.CreateDirectory(directory);
        var capture = new NetworkCapture();
        try
        {
            foreach (var link in network.Links)
            {
                foreach (var port in new[] { link.A, link.B })
                {
                    var path = Path.Combine(directory, PcapFileName(prefix, port));
                    if (capture._paths.Contains(path))
                        throw new ArgumentException($"two ports map to the same capture file '{path}' (node names differ only in characters not allowed in file names)");
                    var tap = new PortPcapTap(port, PcapWriter.Create(path, epochNs));
                    capture._files.Add(tap);
                    capture._paths.Add(path);
                    capture.Attach(link, tap);
                }
            }
        }
        catch
        {
            capture.Dispose();
            throw;
        }
        return capture;
    }

    /// <summary>One pcapng file for every link of <paramref name="network"/>.</summary>
    public static NetworkCapture PcapNg(Network network, string path, PcapNgLayout layout = PcapNgLayout.PerLinkEnd, long epochNs = 0)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        var capture = new NetworkCapture();
        var writer = PcapNgWriter.Create(path, epochNs);
        capture._files.Add(writer);
        capture._paths.Add(path);
        foreach (var link in network.Links) capture.Attach(link, new PcapNgLinkTap(writer, link, layout));
        return capture;
    }

    /// <summary>ns-3's naming: "&lt;prefix&gt;-&lt;node&gt;-&lt;port number&gt;.pcap", with characters that are
    /// unsafe in file names replaced by '_'.</summary>
    public static string PcapFileName(string prefix, Port port) =>
        $"{SafeName(prefix)}-{SafeName(port.Owner.Name)}-{port.Number}.pcap";

    private static string SafeName(string s)
    {
        var b = new StringBuilder(s.Length);
        foreach (char c in s) b.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        return b.ToString();
    }

    private void Attach(Link link, IFrameTap tap)
    {
        link.AddTap(tap);
        _taps.Add((link, tap));
    }

    /// <summary>Detaches the taps, then flushes and closes every file.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var (link, tap) in _taps) link.RemoveTap(tap);
        foreach (var f in _files) f.Dispose();
    }
}
