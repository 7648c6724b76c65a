namespace MeshSim.Ovs.Tests.Conformance;

/// <summary>
/// A userspace (<c>datapath_type=netdev</c>) bridge on the real OVS, created empty (its default
/// NORMAL flow removed) and deleted on dispose. Names are unique per test so tests may run in parallel.
/// </summary>
public sealed class OvsBridge : IDisposable
{
    private static int _counter;
    private readonly string _scratch;

    /// <summary>The bridge name.</summary>
    public string Name { get; }

    /// <summary>Creates the bridge.</summary>
    public OvsBridge()
    {
        Name = $"msc{Environment.ProcessId % 10000}x{Interlocked.Increment(ref _counter)}";
        _scratch = Directory.CreateTempSubdirectory("meshsim-conf-").FullName;
        var add = RealOvs.VsCtl("--may-exist", "add-br", Name, "--", "set", "bridge", Name, "datapath_type=netdev");
        if (!add.Ok) throw new InvalidOperationException($"add-br {Name} failed: {add.Stderr}");
        Check(RealOvs.OfCtl("del-flows", Name), "del-flows");
    }

    /// <summary>Removes all flows and groups.</summary>
    public void Clear()
    {
        Check(RealOvs.OfCtl("del-flows", Name), "del-flows");
        Check(RealOvs.OfCtl("-O", "OpenFlow15", "del-groups", Name), "del-groups");
    }

    /// <summary>Removes all flows (leaves groups alone).</summary>
    public void DeleteFlows() => Check(RealOvs.OfCtl("del-flows", Name), "del-flows");

    /// <summary><c>ovs-ofctl add-flows BR FILE</c> with the given lines.</summary>
    public RealOvs.Run AddFlows(IEnumerable<string> lines) => RealOvs.OfCtl("add-flows", Name, WriteFile("flows.txt", lines));

    /// <summary><c>ovs-ofctl add-flow BR FLOW</c>.</summary>
    public RealOvs.Run AddFlow(string flow) => RealOvs.OfCtl("add-flow", Name, flow);

    /// <summary><c>ovs-ofctl -O OpenFlow15 add-groups BR FILE</c>.</summary>
    public RealOvs.Run AddGroups(IEnumerable<string> lines) => RealOvs.OfCtl("-O", "OpenFlow15", "add-groups", Name, WriteFile("groups.txt", lines));

    /// <summary><c>ovs-ofctl -O OpenFlow15 add-group BR GROUP</c>.</summary>
    public RealOvs.Run AddGroup(string group) => RealOvs.OfCtl("-O", "OpenFlow15", "add-group", Name, group);

    /// <summary>Adds <paramref name="count"/> internal ports numbered 1..count (named after the bridge), up.</summary>
    public void AddInternalPorts(int count)
    {
        for (int i = 1; i <= count; i++)
        {
            var port = $"{Name}p{i}";
            Check(RealOvs.VsCtl("add-port", Name, port, "--", "set", "interface", port, "type=internal", $"ofport_request={i}"), "add-port");
        }
    }

    /// <summary><c>ovs-ofctl packet-out BR "in_port=N packet=HEX actions=table"</c>: the frame runs the pipeline for real.</summary>
    public void PacketOut(uint inPort, ReadOnlySpan<byte> frame) =>
        Check(RealOvs.OfCtl("packet-out", Name, $"in_port={inPort} packet={Convert.ToHexString(frame)} actions=table"), "packet-out");

    /// <summary>Per-bucket packet counters of a group (<c>-O OpenFlow15 dump-group-stats</c>), in bucket order.</summary>
    public long[] BucketPackets(uint groupId)
    {
        var run = RealOvs.OfCtl("-O", "OpenFlow15", "dump-group-stats", Name, $"group_id={groupId}");
        Check(run, "dump-group-stats");
        return System.Text.RegularExpressions.Regex.Matches(run.Stdout, @"bucket\d+:packet_count=(\d+)")
            .Select(m => long.Parse(m.Groups[1].Value)).ToArray();
    }

    /// <summary>OpenFlow port number to datapath port number, from <c>dpif/show</c> ("name 1/2: (tap)").</summary>
    public Dictionary<uint, uint> DatapathPorts()
    {
        var run = RealOvs.AppCtl("dpif/show");
        Check(run, "dpif/show");
        var map = new Dictionary<uint, uint>();
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(run.Stdout, $@"\b{Name}p\d+ (\d+)/(\d+):"))
            map[uint.Parse(m.Groups[1].Value)] = uint.Parse(m.Groups[2].Value);
        return map;
    }

    /// <summary><c>ovs-appctl ofproto/trace BR FLOW</c>'s text.</summary>
    public string Trace(string flow)
    {
        var run = RealOvs.AppCtl("ofproto/trace", Name, flow);
        Check(run, "ofproto/trace");
        return run.Stdout;
    }

    /// <summary>The lines of <c>ovs-ofctl --no-stats dump-flows BR</c>, leading space removed.</summary>
    public IReadOnlyList<string> DumpFlows(bool openFlow15 = false)
    {
        var run = openFlow15 ? RealOvs.OfCtl("-O", "OpenFlow15", "--no-stats", "dump-flows", Name) : RealOvs.OfCtl("--no-stats", "dump-flows", Name);
        Check(run, "dump-flows");
        return Lines(run.Stdout, skipHeader: openFlow15);
    }

    /// <summary>The group lines of <c>ovs-ofctl -O OpenFlow15 dump-groups BR</c>.</summary>
    public IReadOnlyList<string> DumpGroups()
    {
        var run = RealOvs.OfCtl("-O", "OpenFlow15", "dump-groups", Name);
        Check(run, "dump-groups");
        return Lines(run.Stdout, skipHeader: true);
    }

    private static IReadOnlyList<string> Lines(string stdout, bool skipHeader) =>
        stdout.Split('\n').Where(l => l.StartsWith(' ')).Select(l => l[1..]).ToList();

    private string WriteFile(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(_scratch, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static void Check(RealOvs.Run run, string what)
    {
        if (!run.Ok) throw new InvalidOperationException($"{what} failed ({run.ExitCode}): {run.Stderr}");
    }

    /// <summary>Deletes the bridge and scratch files.</summary>
    public void Dispose()
    {
        RealOvs.VsCtl("--if-exists", "del-br", Name);
        try { Directory.Delete(_scratch, recursive: true); } catch (IOException) { }
    }
}
