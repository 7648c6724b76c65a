namespace MeshSim.Ovs.Tests.Syntax;

/// <summary>
/// Input flow/group text and the exact line real Open vSwitch 3.1 printed for it (captured with
/// <c>ovs-ofctl --no-stats dump-flows</c> / <c>-O OpenFlow15 dump-groups</c>). These run without OVS.
/// </summary>
public class GoldenDumpTests
{
    [Theory]
    [InlineData("priority=50,tcp,in_port=1,ip_dst=192.168.1.250,tp_dst=9191,action=ct(commit,zone=1,nat(dst=192.168.1.11:20863)),mod_dl_dst:00:00:00:00:00:01,output:1",
                "priority=50,tcp,in_port=1,nw_dst=192.168.1.250,tp_dst=9191 actions=ct(commit,zone=1,nat(dst=192.168.1.11:20863)),mod_dl_dst:00:00:00:00:00:01,output:1")]
    [InlineData("priority=50,tcp,in_port=1,ct_state=-trk,action=ct(table=0,zone=1,nat)", "priority=50,ct_state=-trk,tcp,in_port=1 actions=ct(table=0,zone=1,nat)")]
    [InlineData("priority=50,tcp,in_port=1,ip_dst=192.168.1.11,ct_state=+est,ct_zone=1,action=1", "priority=50,ct_state=+est,ct_zone=1,tcp,in_port=1,nw_dst=192.168.1.11 actions=output:1")]
    [InlineData("ip,tp_src=53,actions=drop", "ip actions=drop")]
    [InlineData("nw_src=1.2.3.4,actions=drop", "actions=drop")]
    [InlineData("tcp,udp_src=5,actions=drop", "tcp,tp_src=5 actions=drop")]
    [InlineData("icmp,icmp_type=8,tp_src=3,actions=drop", "icmp,icmp_type=3 actions=drop")]
    [InlineData("arp,nw_src=1.2.3.4,arp_op=2,actions=drop", "arp,arp_spa=1.2.3.4,arp_op=2 actions=drop")]
    [InlineData("ct_state=+trk+est-new,actions=drop", "ct_state=-new+est+trk actions=drop")]
    [InlineData("ct_state=0x22,actions=drop", "ct_state=est|trk actions=drop")]
    [InlineData("reg0=0,reg1=5/0xff,metadata=0x10,actions=drop", "reg0=0,reg1=0x5/0xff,metadata=0x10 actions=drop")]
    [InlineData("vlan_tci=0x1005/0x1fff,actions=drop", "dl_vlan=5 actions=drop")]
    [InlineData("dl_vlan=0xffff,actions=drop", "vlan_tci=0x0000 actions=drop")]
    [InlineData("ip,ip_dscp=3,nw_ecn=1,actions=drop", "ip,nw_tos=12,nw_ecn=1 actions=drop")]
    [InlineData("ip,nw_tos=5,actions=drop", "ip,nw_tos=4 actions=drop")]
    [InlineData("ct_mark=0x5/0xf,ct_zone=3,ct_label=0x10,actions=drop", "ct_zone=3,ct_mark=0x5/0xf,ct_label=0x10 actions=drop")]
    [InlineData("tcp,nw_src=10.1.2.3/24,actions=drop", "tcp,nw_src=10.1.2.0/24 actions=drop")]
    [InlineData("ip,ct_state=+trk-inv,ct_nw_src=1.2.3.4,actions=drop", "ct_state=-inv+trk,ct_nw_src=1.2.3.4,ip actions=drop")]
    [InlineData("arp,arp_op=256,actions=drop", "arp,arp_op=0 actions=drop")]
    [InlineData("cookie=18446744073709551615,actions=drop", "cookie=0xffffffffffffffff, actions=drop")]
    [InlineData("table=1,priority=5,ip,nw_src=10.0.0.1,actions=drop", "table=1, priority=5,ip,nw_src=10.0.0.1 actions=drop")]
    [InlineData("priority=1,tcp,actions=set_field:00:00:00:00:00:01->eth_src,set_field:10.0.0.1->ip_dst,set_field:5->reg0,set_field:80->tcp_dst,load:1->NXM_NX_REG1[0..3],move:eth_src->eth_dst,mod_tp_dst:80,dec_ttl,resubmit(,3),resubmit(1,3),resubmit:5,goto_table:2",
                "priority=1,tcp actions=mod_dl_src:00:00:00:00:00:01,mod_nw_dst:10.0.0.1,load:0x5->NXM_NX_REG0[],mod_tp_dst:80,load:0x1->NXM_NX_REG1[0..3],move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],mod_tp_dst:80,dec_ttl,resubmit(,3),resubmit(1,3),resubmit:5,resubmit(,2)")]
    [InlineData("priority=2,tcp,actions=ct(commit,zone=NXM_NX_REG0[0..15],table=3,nat(src=10.0.0.1-10.0.0.5:100-200,random),exec(set_field:1->ct_mark,load:2->NXM_NX_CT_LABEL[0..1])),ct_clear,controller,controller:100,group:5,in_port,LOCAL,ALL",
                "priority=2,tcp actions=ct(commit,table=3,zone=NXM_NX_REG0[0..15],nat(src=10.0.0.1-10.0.0.5:100-200,random),exec(load:0x1->NXM_NX_CT_MARK[],load:0x2->NXM_NX_CT_LABEL[0..1])),ct_clear,CONTROLLER:65535,CONTROLLER:100,group:5,IN_PORT,LOCAL,ALL")]
    [InlineData("priority=3,ip,actions=ct(nat),ct(commit,nat(dst=10.0.0.1)),ct(commit,nat(src)),ct(force,commit,zone=5,table=1),output:NXM_NX_REG0[]",
                "priority=3,ip actions=ct(nat),ct(commit,nat(dst=10.0.0.1)),ct(commit,nat(src)),ct(commit,force,table=1,zone=5),output:NXM_NX_REG0[]")]
    public void Flow_dumps_as_OVS_printed_it(string input, string expected) =>
        Assert.Equal(expected, OvsParser.ParseFlow(input).ToString());

    [Theory]
    [InlineData("group_id=100,type=select,selection_method=dp_hash,bucket=ct(commit,zone=1,nat(dst=10.0.0.1:80)),mod_dl_dst:00:00:00:00:00:01,output:1,bucket=output:2",
                "group_id=100,type=select,selection_method=dp_hash,bucket=bucket_id:0,actions=ct(commit,zone=1,nat(dst=10.0.0.1:80)),set_field:00:00:00:00:00:01->eth_dst,output:1,bucket=bucket_id:1,actions=output:2")]
    [InlineData("group_id=3,type=fast_failover,bucket=watch_port:1,output:1,bucket=watch_port=2,output:2",
                "group_id=3,type=ff,bucket=bucket_id:0,watch_port:1,actions=output:1,bucket=bucket_id:1,watch_port:2,actions=output:2")]
    [InlineData("group_id=1,type=all,bucket=output:1,bucket=bucket_id=7,output:2,set_field:1->reg0",
                "group_id=1,type=all,bucket=bucket_id:0,actions=output:1,bucket=bucket_id:7,actions=output:2,set_field:0x1->reg0")]
    [InlineData("group_id=2,type=select,selection_method=hash,fields(ip_src,tcp_dst),bucket=weight:5,actions=output:1,bucket=weight=10,output:2",
                "group_id=2,type=select,selection_method=hash,fields(ip_src,tcp_dst),bucket=bucket_id:0,weight:5,actions=output:1,bucket=bucket_id:1,weight:10,actions=output:2")]
    [InlineData("group_id=4,type=indirect,bucket=output:3", "group_id=4,type=indirect,bucket=bucket_id:0,actions=output:3")]
    public void Group_dumps_as_OVS_printed_it(string input, string expected) =>
        Assert.Equal(expected, OvsParser.ParseGroup(input).ToString());
}
