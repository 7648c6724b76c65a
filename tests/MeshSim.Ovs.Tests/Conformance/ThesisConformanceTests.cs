namespace MeshSim.Ovs.Tests.Conformance;

/// <summary>The rules of the thesis (appendix A, listings 1 and 2) against a real bridge.</summary>
public sealed class ThesisConformanceTests : IDisposable
{
    private readonly OvsBridge _bridge = new();

    public void Dispose() => _bridge.Dispose();

    /// <summary>Appendix A, listing 6, as the thesis writes it (with <c>action=</c> and bare port numbers).</summary>
    public static readonly string[] AppendixA =
    [
        "priority=50,tcp,in_port=1,ip_dst=192.168.1.250,tp_dst=9191,action=ct(commit,zone=1,nat(dst=192.168.1.11:20863)),mod_dl_dst:00:00:00:00:00:01,output:1",
        "priority=50,tcp,in_port=1,ct_state=-trk,action=ct(table=0,zone=1,nat)",
        "priority=50,tcp,in_port=1,ip_dst=192.168.1.11,ct_state=+est,ct_zone=1,action=1",
        "priority=50,tcp,in_port=1,ip_dst=192.168.1.250,tp_dst=9340,action=ct(commit,zone=1,nat(dst=192.168.1.13:13427)),mod_dl_dst:00:00:00:00:00:03,output:3",
        "priority=50,tcp,in_port=3,ct_state=-trk,action=ct(table=0,zone=1,nat)",
        "priority=50,tcp,in_port=3,ip_dst=192.168.1.11,ct_state=+est,ct_zone=1,action=1",
        "priority=50,tcp,in_port=1,ip_dst=192.168.1.250,tp_dst=9341,action=ct(commit,zone=1,nat(dst=192.168.1.12:19572)),mod_dl_dst:00:00:00:00:00:02,output:2",
        "priority=50,tcp,in_port=2,ct_state=-trk,action=ct(table=0,zone=1,nat)",
        "priority=50,tcp,in_port=2,ip_dst=192.168.1.11,ct_state=+est,ct_zone=1,action=1",
        "priority=50,tcp,in_port=2,ip_dst=192.168.1.250,tp_dst=9567,action=ct(commit,zone=1,nat(dst=192.168.1.21:5432)),mod_dl_dst:00:00:00:00:00:04,output:3",
        "priority=50,tcp,in_port=3,ct_state=-trk ,action=ct(table=0,zone=1,nat)",
        "priority=50,tcp,in_port=3,ip_dst=192.168.1.12,ct_state=+est ,ct_zone=1,action=2",
    ];

    [OvsFact]
    public void Appendix_A_rules_dump_exactly_as_OVS_dumps_them()
    {
        var report = Conformance.CompareFlows(_bridge, AppendixA);
        Assert.True(report.Problems.Count == 0, report.ToString());
        Assert.True(report.Compared >= 10, report.ToString());   // lines 2/5/8/11 repeat a match: later adds replace earlier ones
    }

    [OvsFact]
    public void Listing_2_load_balancing_group_and_flow_conform()
    {
        var groups = new[]
        {
            "group_id=100,type=select,selection_method=dp_hash,bucket=ct(commit,zone=1,nat(dst=192.168.1.11:20863)),mod_dl_dst:00:00:00:00:00:01,output:1,bucket=ct(commit,zone=1,nat(dst=192.168.1.12:19572)),mod_dl_dst:00:00:00:00:00:02,output:2",
        };
        var g = Conformance.CompareGroups(_bridge, groups);
        Assert.True(g.Problems.Count == 0, g.ToString());
        var f = Conformance.CompareFlows(_bridge, ["table=0,tcp,in_port=1,ip_dst=192.168.1.250,tp_dst=9191,actions=group:100"], groups: groups);
        Assert.True(f.Problems.Count == 0, f.ToString());
    }
}
