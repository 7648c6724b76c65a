using System.Buffers.Binary;
using System.Text;
using MeshSim.Oracles.Differential;
using MeshSim.Ovs.Conntrack;
using MeshSim.Wire;

namespace MeshSim.Oracles.RealOvs;

/// <summary>
/// A userspace (<c>datapath_type=netdev</c>) bridge on a real Open vSwitch whose ports 1..N are veth
/// pairs: OVS owns one end, libpcap reads the other, so every frame a port sends is captured.
/// Frames enter by <c>packet-out</c> with <c>in_port</c> and <c>actions=table</c>, which OVS
/// processes exactly like a received frame (classifier, conntrack, recirculation, counters) but
/// synchronously and in order. Created once and reused: <see cref="Run"/> empties flows, groups and
/// conntrack first.
/// </summary>
public sealed class RealOvsBridge : IDisposable
{
    /// <summary>EtherType of the marker frames (IEEE local experimental).</summary>
    public const ushort MarkerEtherType = 0x88b5;

    private readonly OvsCommand _ovs;
    private readonly PortCapture[] _captures;
    private readonly string _scratch;
    private readonly string? _netns;
    private uint _nonce;

    /// <summary>Creates bridge <paramref name="name"/> with ports 1..<paramref name="portCount"/>
    /// (interfaces NAMEvP in the bridge, NAMEcP captured). With <paramref name="ovsNetns"/> the daemons
    /// run in that network namespace (<see cref="PrivateOvs"/>) and the bridge's ends are moved there.</summary>
    public RealOvsBridge(OvsCommand ovs, string name, int portCount, string? ovsNetns = null)
    {
        _ovs = ovs;
        _netns = ovsNetns;
        Name = name;
        PortCount = portCount;
        _scratch = Directory.CreateTempSubdirectory("meshsim-difftest-").FullName;
        Cleanup(ovs, name, portCount, ovsNetns);
        Check(ovs.VsCtl("add-br", name, "--", "set", "bridge", name, "datapath_type=netdev", "fail_mode=secure"), "add-br");
        _captures = new PortCapture[portCount];
        for (int p = 1; p <= portCount; p++)
        {
            string inside = $"{name}v{p}", outside = $"{name}c{p}";
            Check(ovs.Run("ip", ["link", "add", inside, "type", "veth", "peer", "name", outside]), "ip link add");
            // No IPv6 on either end: otherwise the kernel sends router solicitations and MLD
            // reports that would enter the bridge or show up as outputs.
            File.WriteAllText($"/proc/sys/net/ipv6/conf/{outside}/disable_ipv6", "1");
            Check(ovs.Run("ip", ["link", "set", outside, "up"]), "ip link set up");
            if (ovsNetns is null)
            {
                File.WriteAllText($"/proc/sys/net/ipv6/conf/{inside}/disable_ipv6", "1");
                Check(ovs.Run("ip", ["link", "set", inside, "up"]), "ip link set up");
            }
            else
            {
                Check(ovs.Run("ip", ["link", "set", inside, "netns", ovsNetns]), "ip link set netns");
                Check(ovs.Run("ip", ["netns", "exec", ovsNetns, "sysctl", "-qw", $"net.ipv6.conf.{inside}.disable_ipv6=1"]), "sysctl");
                Check(ovs.Run("ip", ["netns", "exec", ovsNetns, "ip", "link", "set", inside, "up"]), "ip link set up");
            }
            Check(ovs.VsCtl("add-port", name, inside, "--", "set", "interface", inside, $"ofport_request={p}"), "add-port");
            _captures[p - 1] = new PortCapture(outside);
            _captures[p - 1].Drain();
        }
    }

    /// <summary>Bridge name.</summary>
    public string Name { get; }

    /// <summary>Number of ports (1..N).</summary>
    public int PortCount { get; }

    /// <summary>Longest time to wait for a sequence's marker frames.</summary>
    public TimeSpan CaptureDeadline { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Installs <paramref name="groups"/> and <paramref name="flows"/> (ovs-ofctl syntax) in one
    /// bundle after removing everything, flushes conntrack, runs <paramref name="packets"/> through
    /// and reads the counters and the conntrack table.
    /// </summary>
    public RealRun Run(IReadOnlyList<string> groups, IReadOnlyList<string> flows, IReadOnlyList<(uint InPort, byte[] Frame)> packets)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        void T(string what) { if (Environment.GetEnvironmentVariable("MESHSIM_DIFFTEST_TIMING") == "1") Console.Error.WriteLine($"{what}: {sw.ElapsedMilliseconds} ms"); }
        // No drain here: every run reads up to its last marker, and the veth peers send nothing of
        // their own (IPv6 is off), so the rings start empty; an empty read costs libpcap ~0.5 s.
        var flush = _ovs.AppCtl("dpctl/flush-conntrack");
        if (!flush.Ok) return new RealRun { RunError = "flush-conntrack: " + flush.Stderr.Trim() };

        var setup = new StringBuilder("flow delete\ngroup delete group_id=all\n");
        foreach (var g in groups) setup.Append("group add ").Append(g).Append('\n');
        foreach (var f in flows) setup.Append("flow add ").Append(f).Append('\n');
        var installed = Bundle("setup.txt", setup.ToString());
        if (!installed.Ok) return new RealRun { SetupError = installed.Stderr.Trim() };
        T("setup");

        uint nonce = ++_nonce;
        var run = new StringBuilder();
        string allPorts = string.Join(',', Enumerable.Range(1, PortCount).Select(p => $"output:{p}"));
        for (int i = 0; i < packets.Count; i++)
        {
            run.Append("packet-out in_port=").Append(packets[i].InPort).Append(" packet=").Append(Convert.ToHexStringLower(packets[i].Frame)).Append(" actions=table\n");
            run.Append("packet-out in_port=none packet=").Append(Convert.ToHexStringLower(Marker(nonce, i))).Append(" actions=").Append(allPorts).Append('\n');
        }
        if (packets.Count > 0)
        {
            var sent = Bundle("packets.txt", run.ToString());
            if (!sent.Ok) return new RealRun { RunError = "packet-out bundle: " + sent.Stderr.Trim() };
        }

        T("packets");
        var outputs = new Dictionary<uint, List<byte[]>>[packets.Count];
        for (int i = 0; i < outputs.Length; i++) outputs[i] = new();
        var deadline = DateTime.UtcNow + CaptureDeadline;
        for (int p = 1; p <= PortCount && packets.Count > 0; p++)
        {
            int current = 0;
            while (current < packets.Count)
            {
                if (DateTime.UtcNow > deadline)
                    return new RealRun { RunError = $"port {p}: marker {current} of {packets.Count} did not arrive within {CaptureDeadline.TotalSeconds:0}s" };
                var frame = _captures[p - 1].Next();
                if (frame is null) { Thread.Sleep(0); continue; }
                if (IsMarker(frame, nonce, out int index))
                {
                    if (index == current) current++;
                    continue;
                }
                if (IsMarker(frame, 0, out _)) continue;   // an old run's marker
                if (!outputs[current].TryGetValue((uint)p, out var list)) outputs[current][(uint)p] = list = new();
                list.Add(frame);
            }
        }

        T("capture");
        var dumpFlows = _ovs.OfCtl("dump-flows", Name);
        var dumpGroups = _ovs.OfCtl("-O", "OpenFlow15", "dump-group-stats", Name);
        var dumpCt = _ovs.AppCtl("dpctl/dump-conntrack", "-m");
        T("dumps");
        var failed = new[] { ("dump-flows", dumpFlows), ("dump-group-stats", dumpGroups), ("dump-conntrack", dumpCt) }.FirstOrDefault(d => !d.Item2.Ok);
        return new RealRun
        {
            RunError = failed.Item1 is null ? null : $"{failed.Item1}: {failed.Item2.Stderr.Trim()}",
            Outputs = outputs,
            DumpFlows = dumpFlows.Stdout,
            DumpGroupStats = dumpGroups.Stdout,
            DumpConntrack = dumpCt.Stdout,
        };
    }

    private CommandResult Bundle(string file, string content)
    {
        var path = Path.Combine(_scratch, file);
        File.WriteAllText(path, content);
        return _ovs.OfCtl("-O", "OpenFlow15", "bundle", Name, path);
    }

    /// <summary>A marker frame: broadcast, EtherType <see cref="MarkerEtherType"/>, "MSDT", nonce, index.</summary>
    private static byte[] Marker(uint nonce, int index)
    {
        var f = new byte[60];
        f.AsSpan(0, 6).Fill(0xff);
        f[6] = 0x02; f[11] = 0xfe;
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), MarkerEtherType);
        "MSDT"u8.CopyTo(f.AsSpan(14));
        BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(18), nonce);
        BinaryPrimitives.WriteInt32BigEndian(f.AsSpan(22), index);
        return f;
    }

    /// <summary>True for a marker frame; with a non-zero <paramref name="nonce"/>, only this run's.</summary>
    private static bool IsMarker(byte[] f, uint nonce, out int index)
    {
        index = -1;
        if (f.Length < 26 || BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(12)) != MarkerEtherType || !f.AsSpan(14, 4).SequenceEqual("MSDT"u8)) return false;
        if (nonce != 0 && BinaryPrimitives.ReadUInt32BigEndian(f.AsSpan(18)) != nonce) return false;
        index = BinaryPrimitives.ReadInt32BigEndian(f.AsSpan(22));
        return true;
    }

    private static void Check(CommandResult r, string what)
    {
        if (!r.Ok) throw new InvalidOperationException($"{what} failed ({r.ExitCode}): {r.Stderr.Trim()}");
    }

    /// <summary>Removes a bridge and veth pairs left by an earlier run under the same name.</summary>
    private static void Cleanup(OvsCommand ovs, string name, int portCount, string? netns)
    {
        ovs.VsCtl("--if-exists", "del-br", name);
        for (int p = 1; p <= portCount; p++)
        {
            // Deleting either end of a veth pair deletes both.
            if (Directory.Exists($"/sys/class/net/{name}c{p}")) ovs.Run("ip", ["link", "del", $"{name}c{p}"]);
            if (netns is not null) ovs.Run("ip", ["netns", "exec", netns, "ip", "link", "del", $"{name}v{p}"]);
            else if (Directory.Exists($"/sys/class/net/{name}v{p}")) ovs.Run("ip", ["link", "del", $"{name}v{p}"]);
        }
    }

    /// <inheritdoc/>
    /// <summary>
    /// Learns the daemon's conntrack <c>hash_basis</c> (drawn at random when ovs-vswitchd starts), which
    /// decides the address and port a NAT range gives a new connection. One UDP packet goes through
    /// <c>ct(commit,nat(dst=10.0.0.0-10.255.255.255:1-65535))</c>: the address it gets gives the hash
    /// modulo 2^24, the port the hash modulo 65535; together they fix the hash, and
    /// <see cref="NatRangeHash.BasisFor"/> runs the hash backwards to the basis.
    /// </summary>
    public uint ProbeNatHashBasis()
    {
        var src = new FrameFactory.Endpoint(1, AddressPlan.Mac(1), Ipv4Address.Parse("10.200.0.1"), 40000);
        var dst = new FrameFactory.Endpoint(2, AddressPlan.Mac(2), Ipv4Address.Parse("10.200.0.2"), 5000);
        var nat = new NatRequest(NatMode.Dst | NatMode.DstPort, 0x0A000000, 0x0AFFFFFF, 1, 65535);
        const ushort Zone = 1;
        var run = Run([], [$"table=0,priority=1,udp,actions=ct(commit,zone={Zone},nat(dst=10.0.0.0-10.255.255.255:1-65535)),output:2"],
                      [(1u, FrameFactory.Udp(src, dst, 8, 1))]);
        if (run.SetupError is not null || run.RunError is not null || !run.Outputs[0].TryGetValue(2, out var frames) || frames.Count != 1)
            throw new InvalidOperationException($"NAT hash probe failed: {run.SetupError ?? run.RunError ?? "no frame on port 2"}");
        var f = frames[0];
        uint natDst = BinaryPrimitives.ReadUInt32BigEndian(f.AsSpan(14 + 16));
        ushort natPort = BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(14 + 20 + 2));
        var key = new ConnKey(src.Ip.Value, dst.Ip.Value, src.L4Port, dst.L4Port, 0, 0, 17, Zone);
        uint low = natDst - nat.MinAddr;
        var found = new List<uint>();
        for (uint high = 0; high < 256; high++)
        {
            uint hash = low | (high << 24);
            if (hash % 65535 == (uint)(natPort - 1)) found.Add(NatRangeHash.BasisFor(in key, in nat, hash));
        }
        if (found.Count != 1)
            throw new InvalidOperationException($"NAT hash probe: {found.Count} bases fit {new Ipv4Address(natDst)}:{natPort}");
        return found[0];
    }

    public void Dispose()
    {
        foreach (var c in _captures) c?.Dispose();
        Cleanup(_ovs, Name, PortCount, _netns);
        try { Directory.Delete(_scratch, recursive: true); } catch (IOException) { }
    }
}
