using MeshSim.Oracles.Differential;
using MeshSim.Oracles.RealOvs;

namespace MeshSim.Oracles.Tests.Differential;

/// <summary>
/// One real bridge for the differential tests (created on first use, removed at the end). Needs a
/// running OVS ($MESHSIM_OVS_RUNDIR or tools/ovs/ovs-start.sh's default) and root for the veth
/// pairs. Off CI a missing prerequisite skips the tests; under CI=true it fails them.
/// </summary>
public sealed class RealBridgeFixture : IDisposable
{
    private readonly Lazy<(RealOvsBridge? Bridge, string? Missing)> _bridge = new(Create);

    /// <summary>The bridge, or a skip/failure naming what is missing.</summary>
    public RealOvsBridge Require()
    {
        var (bridge, missing) = _bridge.Value;
        if (bridge is not null) return bridge;
        Skip.If(Environment.GetEnvironmentVariable("CI") is null, $"needs {missing}");
        Assert.Fail($"CI must run the differential tests against real OVS, but {missing}");
        return null!;
    }

    private static (RealOvsBridge?, string?) Create()
    {
        if (Environment.UserName != "root") return (null, "root (veth pairs, libpcap)");
        foreach (var tool in new[] { "ovs-vsctl", "ovs-ofctl", "ovs-appctl", "ip" })
            if (OvsCommand.FindExecutable(tool) is null) return (null, $"{tool} (install openvswitch-switch, iproute2)");
        var runDir = OvsCommand.FindRunDir();
        if (runDir is null) return (null, "a running Open vSwitch (tools/ovs/ovs-start.sh; MESHSIM_OVS_RUNDIR)");
        return (new RealOvsBridge(new OvsCommand(runDir), $"dtx{Environment.ProcessId % 10000}", DiffCase.PortCount), null);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_bridge.IsValueCreated) _bridge.Value.Bridge?.Dispose();
    }
}
