using MeshSim.Ovs.Datapath;
using MeshSim.Ovs.Tracing;
using static MeshSim.Ovs.Tests.Conntrack.Packets;

namespace MeshSim.Ovs.Tests.Datapath;

/// <summary>
/// Execution of the actions OVS accepts beyond the basics: the push/pop register stack, the wide register views and
/// OXM_OF_IN_PORT, output(port=,max_len=), exit and a pausing controller action, SCTP port rewrites, a missing group.
/// (TraceConformanceTests checks the same actions' outputs and final flows against a real switch.)
/// </summary>
public class StackTruncExitTests
{
    [Fact]
    public void Push_and_pop_share_the_stack_across_resubmits()
    {
        var t = new TestBridge(1, 2, 3).Flows("""
            table=0,in_port=1 actions=load:0x5->reg0[],push:reg0[],push:reg0[0..7],load:0->reg0[],resubmit(,1)
            table=1 actions=pop:reg1[],pop:reg2[],pop:reg3[],resubmit(,2)
            table=2,reg0=0,reg1=5,reg2=5,reg3=0 actions=output:2
            table=2,priority=0 actions=output:3
            """);
        t.Bridge.Receive(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1);
        Assert.Equal([2u], t.Out);   // the third pop found the stack empty and left reg3 alone
    }

    [Fact]
    public void The_stack_survives_a_conntrack_recirculation()
    {
        var t = new TestBridge(1, 2, 3).Flows("""
            table=0,ip,in_port=1 actions=load:0x7->reg2[],push:reg2[],load:0->reg2[],ct(table=1)
            table=1,ip actions=pop:reg3[],resubmit(,2)
            table=2,reg2=0,reg3=7 actions=output:2
            table=2,priority=0 actions=output:3
            """);
        t.Bridge.Receive(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1);
        Assert.Equal([2u], t.Out);
    }

    [Fact]
    public void Wide_registers_and_oxm_in_port_read_and_write_their_parts()
    {
        var t = new TestBridge(1, 2, 3).Flows("""
            table=0,in_port=1 actions=load:0x100000002->xreg0[],load:0xa0000000b->NXM_NX_XXREG1[32..95],load:0xfffffffe->OXM_OF_IN_PORT[],resubmit(,1)
            table=1,in_port=LOCAL,reg0=1,reg1=2,reg5=0xa,reg6=0xb,xxreg1=0xa0000000b00000000/0xffffffffffffffffffffffff actions=move:OXM_OF_IN_PORT[]->reg7[],resubmit(,2)
            table=1,priority=0 actions=output:3
            table=2,reg7=0xfffffffe actions=output:2
            """);
        t.Bridge.Receive(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1);
        Assert.Equal([2u], t.Out);
    }

    [Fact]
    public void Output_trunc_sends_at_most_max_len_bytes()
    {
        var t = new TestBridge(1, 2, 3).Flows("in_port=1 actions=output(port=2,max_len=20),output(port=3,max_len=1500),output(port=IN_PORT,max_len=64)");
        var frame = Udp("10.0.0.1", 1, "10.0.0.2", 2);
        t.Bridge.Receive(frame, 1);
        Assert.Equal([2u, 3u], t.Out);
        Assert.Equal(frame.AsSpan(0, 20).ToArray(), t.Sent[2][0]);
        Assert.Equal(frame, t.Sent[3][0]);
        Assert.Empty(t.Sent[1]);     // IN_PORT: OVS looks it up as a port of its own, and there is none
    }

    [Fact]
    public void Exit_stops_the_resubmitting_flow_but_not_the_actions_after_a_group()
    {
        var t = new TestBridge(1, 2, 3, 4).Groups("group_id=1,type=all,bucket=resubmit(,2)").Flows("""
            table=0,in_port=1 actions=resubmit(,1),output:4
            table=0,in_port=2 actions=group:1,output:3
            table=1 actions=output:2,exit,output:3
            table=2 actions=exit
            """);
        t.Bridge.Receive(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1);
        Assert.Equal([2u], t.Out);
        t.Clear();
        t.Bridge.Receive(Udp("10.0.0.1", 1, "10.0.0.2", 2), 2);
        Assert.Equal([3u], t.Out);
    }

    [Fact]
    public void A_pausing_controller_action_freezes_the_rest_of_the_pipeline()
    {
        var t = new TestBridge(1, 2, 3).Flows("in_port=1 actions=output:2,controller(pause),output:3");
        t.Bridge.Receive(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1);
        Assert.Equal([2u], t.Out);
        Assert.Equal(1, t.Bridge.ControllerPackets);
    }

    [Fact]
    public void A_missing_group_ends_its_action_list()
    {
        var t = new TestBridge(1, 2, 3);
        t.Bridge.AddFlow(OvsParser.ParseFlow("table=0,in_port=1 actions=resubmit(,1),output:3"));
        t.Bridge.AddFlow(OvsParser.ParseFlow("table=1 actions=group:9,output:2"));
        t.Bridge.Receive(Udp("10.0.0.1", 1, "10.0.0.2", 2), 1);
        Assert.Equal([3u], t.Out);
    }

    [Fact]
    public void Sctp_port_rewrites_keep_the_crc32c_valid()
    {
        Assert.True(TracePacket.TryParse("in_port=1,sctp,nw_src=10.0.0.1,nw_dst=10.0.0.2,sctp_src=1,sctp_dst=2", out var packet, out var error), error);
        var t = new TestBridge(1, 2).Flows("sctp,in_port=1,sctp_dst=2 actions=set_field:99->sctp_src,mod_tp_dst:100,output:2");
        t.Bridge.Receive(packet!.Frame, 1);
        var sent = t.Sent[2].Single();
        var sctp = sent.AsSpan(14 + 20, 12).ToArray();
        Assert.Equal(99, sctp[0] << 8 | sctp[1]);
        Assert.Equal(100, sctp[2] << 8 | sctp[3]);
        uint stored = BitConverter.ToUInt32(sctp, 8);
        sctp[8] = sctp[9] = sctp[10] = sctp[11] = 0;
        Assert.Equal(HeaderRewriter.Crc32C(sctp), stored);
    }
}
