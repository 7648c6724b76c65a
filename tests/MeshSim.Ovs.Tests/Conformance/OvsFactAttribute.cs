namespace MeshSim.Ovs.Tests.Conformance;

/// <summary>
/// A fact that needs a real Open vSwitch. It is skipped only when <c>ovs-vsctl</c> is not installed
/// at all; when OVS is installed the test runs (and starts the daemons via tools/ovs/ovs-start.sh
/// if they are not running), so a broken OVS setup fails loudly instead of hiding.
/// </summary>
public sealed class OvsFactAttribute : FactAttribute
{
    /// <summary>Sets Skip when ovs-vsctl is absent.</summary>
    public OvsFactAttribute()
    {
        if (RealOvs.FindExecutable("ovs-vsctl") is null)
            Skip = "Open vSwitch is not installed (ovs-vsctl not found on PATH)";
    }
}
