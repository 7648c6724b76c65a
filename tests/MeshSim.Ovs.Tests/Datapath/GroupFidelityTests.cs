using MeshSim.Ovs.Datapath;
using MeshSim.Wire;
using static MeshSim.Ovs.Tests.Conntrack.Packets;

namespace MeshSim.Ovs.Tests.Datapath;

/// <summary>Buckets as action sets and bucket choice, against what a real OVS 3.1 did (recorded and live).</summary>
public class GroupFidelityTests
{
    [Fact]
    public void Action_set_runs_sets_in_order_then_one_terminal_action()
    {
        var set = Bucket("output:2,output:3,mod_nw_dst:1.1.1.1,dec_ttl,ct_clear,mod_tp_dst:9");
        Assert.Equal("dec_ttl,mod_nw_dst:1.1.1.1,mod_tp_dst:9,output:3", OvsFormatter.FormatActions(set.Executed));
        Assert.Equal("output:2,ct_clear", OvsFormatter.FormatActions(set.Dropped));
    }

    [Theory]
    [InlineData("ct(commit,nat(dst=10.0.0.9:80)),output:2", "output:2")]                 // output beats ct
    [InlineData("resubmit(,3),output:2", "output:2")]                                    // output beats resubmit
    [InlineData("output:2,group:7", "group:7")]                                          // group beats output
    [InlineData("ct(commit,table=1,zone=1),resubmit(,4)", "resubmit(,4)")]               // resubmit beats ct
    [InlineData("mod_dl_dst:00:00:00:00:00:09,ct(commit,table=1)", "mod_dl_dst:00:00:00:00:00:09,ct(commit,table=1)")]
    [InlineData("mod_dl_dst:00:00:00:00:00:09,ct_clear", "mod_dl_dst:00:00:00:00:00:09,ct_clear")]   // ct_clear is a terminal too (ofproto/trace shows both run)
    [InlineData("mod_dl_dst:00:00:00:00:00:09,exit,push:reg0", "")]                     // no terminal: nothing runs
    [InlineData("ct_clear,CONTROLLER:100,controller(pause)", "CONTROLLER:100")]          // a plain CONTROLLER:N is an output
    [InlineData("NORMAL,mod_vlan_vid:5", "mod_vlan_vid:5,NORMAL")]
    public void Terminal_action_follows_openflow_action_set_precedence(string written, string executed)
    {
        var set = Bucket(written);
        Assert.Equal(executed, set.Executed.Count == 0 ? "" : OvsFormatter.FormatActions(set.Executed));
    }

    [Fact]
    public void Every_recorded_bucket_choice_of_a_real_ovs_is_reproduced()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Conformance", "Corpus", "select-buckets.txt");
        var cases = File.ReadAllLines(path).Where(l => l.Length > 0 && l[0] != '#').ToList();
        Assert.True(cases.Count >= 300, $"{cases.Count} recorded choices");
        var mismatches = new List<string>();
        foreach (var line in cases)
        {
            var parts = line.Split('|', StringSplitOptions.TrimEntries);
            var p = parts[1].Split(' ');
            var frame = p[0] == "6"
                ? Tcp(p[1], ushort.Parse(p[2]), p[3], ushort.Parse(p[4]), TcpFlags.Syn, 1, 0)
                : Udp(p[1], ushort.Parse(p[2]), p[3], ushort.Parse(p[4]));
            var chosen = ChosenBucket(parts[0], frame);
            if (chosen != uint.Parse(parts[2])) mismatches.Add($"{line}: MeshSim chose bucket {chosen}");
        }
        Assert.Empty(mismatches);
    }

    /// <summary>The bucket a MeshSim bridge credits for one packet through <c>group_id=1,GROUP</c>.</summary>
    internal static uint ChosenBucket(string group, byte[] frame)
    {
        var t = new TestBridge(1, 2, 3, 4).Groups($"group_id=1,{group}").Flows("table=0,in_port=1 actions=group:1");
        t.Bridge.Receive(frame, 1);
        var g = t.Bridge.FindGroup(1)!;
        int index = Array.FindIndex(g.BucketPackets, n => n > 0);
        return g.Entry.Buckets[index].BucketId;
    }

    private static BucketActionSet Bucket(string actions)
    {
        var r = OvsRuleFile.ParseGroups($"group_id=1,type=all,bucket=actions={actions}");
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        return BucketActionSet.From(r.Entries[0].Entry.Buckets[0].Actions);
    }
}
