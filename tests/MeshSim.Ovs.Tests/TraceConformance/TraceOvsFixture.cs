using MeshSim.Ovs.Tests.Conformance;

namespace MeshSim.Ovs.Tests.TraceConformance;

/// <summary>
/// A private Open vSwitch 3.1 for trace conformance, started with tools/ovs/ovs-start.sh inside a
/// network namespace this fixture creates (so its userspace datapath and tap ports cannot clash with
/// another instance on the machine), with bridge "mstr" and internal ports 1-4 brought up.
/// Everything is removed on dispose.
/// </summary>
public sealed class TraceOvsFixture : IDisposable
{
    public const string Bridge = "mstr";
    public const int PortCount = 4;
    private readonly string _ns = $"meshsim-tr{Environment.ProcessId}";
    private readonly string _runDir = $"/tmp/meshsim-ovs-tr{Environment.ProcessId}";
    private readonly Dictionary<int, uint> _dpToOf = new();
    private bool _started;

    public TraceOvsFixture()
    {
        if (RealOvs.FindExecutable("ovs-vsctl") is null) return;   // tests skip through [OvsFact]
        Must(RealOvs.Exec("ip", ["netns", "add", _ns], null), "ip netns add");
        _started = true;
        Must(InNs("env", $"MESHSIM_OVS_RUNDIR={_runDir}", "bash", Path.Combine(RealOvs.RepoRoot(), "tools", "ovs", "ovs-start.sh")), "ovs-start.sh");
        Must(VsCtl("add-br", Bridge, "--", "set", "bridge", Bridge, "datapath_type=netdev", "fail-mode=secure"), "add-br");
        for (int p = 1; p <= PortCount; p++)
        {
            Must(VsCtl("add-port", Bridge, $"{Bridge}p{p}", "--", "set", "interface", $"{Bridge}p{p}", "type=internal", $"ofport_request={p}"), "add-port");
            Must(InNs("ip", "link", "set", $"{Bridge}p{p}", "up"), "link up");
        }
        // Datapath port numbers differ from OpenFlow ones: "    mstrp1 1/2: (tap)" means OpenFlow 1, datapath 2.
        foreach (var line in AppCtl("dpif/show").Stdout.Split('\n'))
        {
            var parts = line.Trim().Split(' ');
            if (parts.Length < 2 || !parts[1].Contains('/')) continue;
            var nums = parts[1].TrimEnd(':').Split('/');
            if (uint.TryParse(nums[0], out var of) && int.TryParse(nums[1], out var dp)) _dpToOf[dp] = of;
        }
    }

    /// <summary>OpenFlow port of a datapath port, or null (LOCAL and unknown ports).</summary>
    public uint? OpenFlowPort(int dpPort) => _dpToOf.TryGetValue(dpPort, out var of) && of < 0xff00 ? of : null;

    public RealOvs.Run OfCtl(params string[] args) => InNs(["env", $"OVS_RUNDIR={_runDir}", "ovs-ofctl", .. args]);
    public RealOvs.Run VsCtl(params string[] args) => InNs(["env", $"OVS_RUNDIR={_runDir}", "ovs-vsctl", "--timeout=10", .. args]);
    public RealOvs.Run AppCtl(params string[] args) => InNs(["ovs-appctl", "-t", Path.Combine(_runDir, "ovs-vswitchd.ctl"), .. args]);

    private RealOvs.Run InNs(params string[] args) => RealOvs.Exec("ip", ["netns", "exec", _ns, .. args], null);

    private static void Must(RealOvs.Run run, string what)
    {
        if (!run.Ok) throw new InvalidOperationException($"{what} failed ({run.ExitCode}): {run.Stderr}{run.Stdout}");
    }

    public void Dispose()
    {
        if (!_started) return;
        InNs("env", $"MESHSIM_OVS_RUNDIR={_runDir}", "bash", Path.Combine(RealOvs.RepoRoot(), "tools", "ovs", "ovs-stop.sh"), "--purge");
        RealOvs.Exec("ip", ["netns", "del", _ns], null);
    }
}
