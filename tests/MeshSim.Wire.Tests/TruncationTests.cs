namespace MeshSim.Wire.Tests;

/// <summary>Every prefix of a captured header that is shorter than what the header declares
/// must be refused with a Truncated error that says how much was needed and how much was there.</summary>
public class TruncationTests
{
    public delegate bool TryCreate(byte[] buffer, out WireError error);

    private static readonly Dictionary<string, (byte[] Bytes, int MinLength, TryCreate Create)> Cases = new()
    {
        ["ethernet"] = (Captures.EchoRequest, 14, (byte[] b, out WireError e) => EthernetView.TryCreate(b, out _, out e)),
        ["ethernet-802.1Q"] = (Captures.VlanEcho, 18, (byte[] b, out WireError e) => EthernetView.TryCreate(b, out _, out e)),
        ["arp"] = (Captures.ArpRequest[14..], 28, (byte[] b, out WireError e) => ArpView.TryCreate(b, out _, out e)),
        ["ipv4"] = (Captures.EchoRequest[14..], 52, (byte[] b, out WireError e) => Ipv4View.TryCreate(b, out _, out e)),
        ["ipv4-options"] = (Captures.OptionsEcho[14..], 47, (byte[] b, out WireError e) => Ipv4View.TryCreate(b, out _, out e)),
        ["icmp"] = (Captures.EchoRequest[34..], 8, (byte[] b, out WireError e) => IcmpV4View.TryCreate(b, out _, out e)),
        ["tcp-syn"] = (Captures.TcpSyn[34..], 40, (byte[] b, out WireError e) => TcpView.TryCreate(b, out _, out e)),
        ["tcp-data"] = (Captures.TcpHttpGet[34..], 32, (byte[] b, out WireError e) => TcpView.TryCreate(b, out _, out e)),
        ["udp"] = (Captures.Udp[34..], 19, (byte[] b, out WireError e) => UdpView.TryCreate(b, out _, out e)),
        ["vxlan"] = (Captures.VxlanEcho[42..], 8, (byte[] b, out WireError e) => VxlanView.TryCreate(b, out _, out e)),
    };

    public static TheoryData<string, int> Prefixes()
    {
        var data = new TheoryData<string, int>();
        foreach (var (name, c) in Cases)
            for (int n = 0; n <= c.Bytes.Length; n++) data.Add(name, n);
        return data;
    }

    [Theory, MemberData(nameof(Prefixes))]
    public void Every_prefix_is_accepted_only_from_the_declared_length(string protocol, int length)
    {
        var (bytes, min, create) = Cases[protocol];
        bool ok = create(bytes[..length], out var error);
        if (length >= min)
        {
            Assert.True(ok, $"{protocol}[..{length}]: {error}");
            Assert.True(error.IsNone);
        }
        else
        {
            Assert.False(ok);
            Assert.Equal(WireErrorKind.Truncated, error.Kind);
            Assert.Equal(length, error.Have);
            Assert.True(error.Need > length, error.ToString());
            Assert.NotNull(error.Field);
        }
    }

    public static TheoryData<string, int> FramePrefixes()
    {
        var data = new TheoryData<string, int>();
        foreach (var (name, frame) in Captures.All())
            for (int n = 0; n < frame.Length; n++) data.Add(name, n);
        return data;
    }

    [Theory, MemberData(nameof(FramePrefixes))]
    public void Every_prefix_of_every_captured_frame_is_handled(string name, int length)
    {
        var frame = Captures.All().Single(c => c.Name == name).Frame[..length];
        PropertyTests.ParseEverything(frame);                  // throws on any out-of-range access
        var key = default(FlowKey);
        var counters = default(ExtractCounters);
        FlowExtractor.Extract(frame, 3, ref key, ref counters);
        Assert.True(key.L3Offset == FlowKey.Absent || key.L3Offset < length);
        Assert.True(key.L4Offset == FlowKey.Absent || key.L4Offset <= length);
        string text = FrameText.Describe(frame);
        Assert.DoesNotContain('\n', text);
        if (length < 14) Assert.StartsWith("ETH (truncated at byte 0 (eth.header): need 14 bytes", text);
    }
}
