using MeshSim.Oracles.Differential;
using MeshSim.Oracles.RealOvs;

namespace MeshSim.Oracles.Tests.Differential;

/// <summary>
/// One real bridge for the differential tests (created on first use, removed at the end) on the
/// tester's own OVS daemons (<see cref="PrivateOvs"/>: tools/ovs/ovs-start.sh in a namespace of
/// their own, stopped at the end), because the tester flushes and dumps the conntrack table, which
/// every netdev bridge of the shared daemons shares. Needs root and Open vSwitch installed; off CI
/// a missing prerequisite skips the tests, under CI=true it fails them.
/// </summary>
public sealed class RealBridgeFixture : IDisposable
{
    private readonly Lazy<(RealOvsBridge? Bridge, string? Missing)> _bridge;
    private PrivateOvs? _ovs;

    /// <summary>Creates the fixture (nothing starts before the first <see cref="Require"/>).</summary>
    public RealBridgeFixture() => _bridge = new(Create);

    /// <summary>The bridge, or a skip/failure naming what is missing.</summary>
    public RealOvsBridge Require()
    {
        var (bridge, missing) = _bridge.Value;
        if (bridge is not null) return bridge;
        Skip.If(Environment.GetEnvironmentVariable("CI") is null, $"needs {missing}");
        Assert.Fail($"CI must run the differential tests against real OVS, but {missing}");
        return null!;
    }

    private (RealOvsBridge?, string?) Create()
    {
        if (Environment.UserName != "root") return (null, "root (namespaces, veth pairs, libpcap)");
        foreach (var tool in new[] { "ovs-vswitchd", "ovsdb-server", "ovs-vsctl", "ovs-ofctl", "ovs-appctl", "ip" })
            if (OvsCommand.FindExecutable(tool) is null) return (null, $"{tool} (install openvswitch-switch, iproute2)");
        var script = PrivateOvs.FindStartScript(AppContext.BaseDirectory) ?? throw new InvalidOperationException("tools/ovs/ovs-start.sh not found");
        string tag = $"{Environment.ProcessId % 100000}";
        _ovs = PrivateOvs.Start($"meshsim-dtt{tag}", $"/tmp/meshsim-ovs-dtt{tag}", script);
        return (new RealOvsBridge(_ovs.Ovs, $"dtt{tag}", DiffCase.PortCount, _ovs.Netns), null);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_bridge.IsValueCreated) _bridge.Value.Bridge?.Dispose();
        _ovs?.Dispose();
        if (_ovs is not null) try { Directory.Delete(_ovs.Ovs.RunDir, recursive: true); } catch (IOException) { }
    }
}
