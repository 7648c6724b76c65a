using System.Text.RegularExpressions;
using MeshSim.Ovs.Tracing;
using MeshSim.Ovs.Datapath;
using MeshSim.Ovs.Tests.Datapath;
using MeshSim.Wire;
using static MeshSim.Ovs.Tests.Conntrack.Packets;

namespace MeshSim.Ovs.Tests.Conformance;

/// <summary>
/// Groups on a real OVS 3.1 userspace bridge next to MeshSim's: the bucket a select group picks for
/// packets sent in by packet-out (read back from per-bucket counters), and ofproto/trace's datapath
/// actions for buckets that hold more than one terminal action.
/// </summary>
public class GroupConformanceTests
{
    [OvsFact]
    public void Select_groups_pick_the_bucket_the_real_switch_picks()
    {
        string[] groups =
        [
            "type=select,bucket=output:2,bucket=output:3,bucket=output:4",
            "type=select,bucket=weight:2,output:2,bucket=weight:9,output:3,bucket=weight:4,output:4",
            "type=select,selection_method=dp_hash,selection_method_param=0x3,bucket=output:2,bucket=output:3",
            "type=select,selection_method=dp_hash,selection_method_param=0x100000011,bucket=output:2,bucket=output:3,bucket=output:4",
            "type=select,selection_method=hash,selection_method_param=5,fields(eth_src,ip_dst,udp_dst),bucket=output:2,bucket=output:3,bucket=output:4",
            "type=select,bucket=weight:300,output:2,bucket=weight:1,output:3",
        ];
        using var br = new OvsBridge();
        br.AddInternalPorts(4);
        var mismatches = new List<string>();
        int compared = 0;
        foreach (var group in groups)
        {
            br.Clear();
            Assert.True(br.AddGroup($"group_id=1,{group}").Ok);
            Assert.True(br.AddFlow("table=0,in_port=1,actions=group:1").Ok);
            for (int i = 0; i < 12; i++)
            {
                byte[] frame = i % 2 == 0
                    ? Tcp($"10.{i}.{3 * i % 251}.{i + 1}", (ushort)(1024 + 4099 * i), "10.9.0.1", 443, TcpFlags.Syn, 1, 0)
                    : Udp($"10.{i}.0.{7 * i + 1}", (ushort)(3000 + 17 * i), "10.9.0.2", (ushort)(53 + i));
                var before = br.BucketPackets(1);
                RealOvs.AppCtl("dpctl/del-flows");   // an upcall credits the bucket now, a megaflow hit only later
                br.PacketOut(1, frame);
                var after = br.BucketPackets(1);
                int real = Enumerable.Range(0, after.Length).First(b => after[b] != before[b]);
                uint sim = GroupFidelityTests.ChosenBucket(group, frame);
                compared++;
                if (sim != real) mismatches.Add($"{group}, packet {i}: real bucket {real}, MeshSim {sim}");
            }
        }
        Assert.Equal(72, compared);
        Assert.Empty(mismatches);
    }

    [OvsFact]
    public void Buckets_execute_as_action_sets_with_the_datapath_actions_ovs_prints()
    {
        string[] buckets =
        [
            "ct(commit,zone=1,nat(dst=10.0.0.9:80)),mod_dl_dst:00:00:00:00:00:09,output:2",
            "output:2,output:3,mod_nw_dst:1.1.1.1,dec_ttl,ct_clear",
            "mod_dl_dst:00:00:00:00:00:09,ct(commit,zone=2,table=1,nat(dst=10.0.0.9:80))",
            "mod_tp_dst:99,resubmit(,2),output:3",
            "mod_nw_src:7.7.7.7,ct(commit,zone=5)",
            "output:4,mod_dl_src:00:00:00:00:00:07,mod_nw_ttl:9",
        ];
        using var br = new OvsBridge();
        br.AddInternalPorts(4);
        var dpPort = br.DatapathPorts();
        const string packet = "in_port=1,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.5,tp_src=1234,tp_dst=80,nw_ttl=64";
        foreach (var bucket in buckets)
        {
            br.Clear();
            string group = $"group_id=1,type=all,bucket=actions={bucket}";
            Assert.True(br.AddGroup(group).Ok);
            Assert.True(br.AddFlow("table=0,in_port=1,actions=group:1").Ok);
            var real = FirstDatapathActions(br.Trace(packet));

            var r = OfflineTrace.Run("table=0,in_port=1,actions=group:1", "flows", group, "groups", packet, [], json: false);
            Assert.Equal(0, r.ExitCode);
            // MeshSim prints OpenFlow port numbers; the real datapath numbers its ports itself.
            var sim = Regex.Replace(FirstDatapathActions(r.Output), @"(?<=^|,)(\d+)(?=,|$)", m => dpPort[uint.Parse(m.Value)].ToString());
            Assert.True(Normalise(real) == Normalise(sim), $"bucket {bucket}\n real:    {real}\n MeshSim: {sim}");
        }
    }

    private static string FirstDatapathActions(string trace) =>
        Regex.Match(trace, "^Datapath actions: (.*)$", RegexOptions.Multiline).Groups[1].Value.Trim();

    // Recirculation ids are a switch-wide counter: only their place matters.
    private static string Normalise(string actions) => Regex.Replace(actions, @"recirc\(0x[0-9a-f]+\)", "recirc(ID)");
}
