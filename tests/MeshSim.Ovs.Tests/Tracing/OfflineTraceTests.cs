using MeshSim.Ovs.Tracing;

namespace MeshSim.Ovs.Tests.Tracing;

public class OfflineTraceTests
{
    private const string Flows = """
        table=0,priority=100,ip,in_port=1 actions=load:0x5->NXM_NX_REG0[],ct(commit,table=1,zone=1,nat(dst=10.1.0.5:8080),exec(set_field:0x1->ct_mark))
        table=1,priority=100,ct_state=+new+trk,tcp actions=ct(commit,zone=1,exec(set_field:0x1->ct_mark)),dec_ttl,mod_nw_src:1.2.3.4,output:2,output:1,in_port
        table=0,priority=100,arp actions=output:2
        """;

    [Fact]
    public void Recirculation_resumes_with_ct_next_state_and_simulated_nat_like_ofproto_trace()
    {
        var r = OfflineTrace.Run(Flows, "f", null, null, "in_port=1,tcp,nw_src=10.0.0.1,nw_dst=10.96.0.10,tp_src=1234,tp_dst=80,nw_ttl=64,metadata=0x3,reg3=0x7", ["trk,new"], json: false);
        Assert.Equal(0, r.ExitCode);
        var text = r.Output;
        // Lines as real OVS 3.1 printed them for the same flows and packet.
        Assert.Contains("Flow: tcp,reg3=0x7,metadata=0x3,in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=10.0.0.1,nw_dst=10.96.0.10,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=1234,tp_dst=80,tcp_flags=0", text);
        Assert.Contains("recirc(0x1) - resume conntrack with ct_state=new|trk", text);
        Assert.Contains("Flow: recirc_id=0x1,ct_state=new|trk,ct_zone=1,ct_mark=0x1,eth,tcp,reg0=0x5,reg3=0x7,metadata=0x3,in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=10.0.0.1,nw_dst=10.1.0.5,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=1234,tp_dst=8080,tcp_flags=0", text);
        Assert.Contains("Final flow: recirc_id=0x1,eth,tcp,reg0=0x5,reg3=0x7,metadata=0x3,in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=1.2.3.4,nw_dst=10.1.0.5,nw_tos=0,nw_ecn=0,nw_ttl=63,nw_frag=no,tp_src=1234,tp_dst=8080,tcp_flags=0", text);
        Assert.Contains(">> skipping output to input port", text);
        // OVS printed "ct(commit,zone=1,mark=0x1/0xffffffff),set(ipv4(src=1.2.3.4,ttl=63)),3,2": its datapath
        // numbers the ports itself (OpenFlow 2 and 1 were datapath ports 3 and 2); MeshSim prints OpenFlow numbers.
        Assert.Contains("Datapath actions: ct(commit,zone=1,mark=0x1/0xffffffff,nat(dst=10.1.0.5:8080)),recirc(0x1)", text);
        Assert.Contains("Datapath actions: ct(commit,zone=1,mark=0x1/0xffffffff),set(ipv4(src=1.2.3.4,ttl=63)),2,1", text);
    }

    [Fact]
    public void Json_lists_outputs_with_final_headers_and_bytes()
    {
        var r = OfflineTrace.Run(Flows, "f", null, null, "in_port=1,arp,arp_spa=10.0.0.1,arp_tpa=10.0.0.2,arp_op=1", [], json: true);
        Assert.Equal(0, r.ExitCode);
        using var doc = System.Text.Json.JsonDocument.Parse(r.Output);
        var outputs = doc.RootElement.GetProperty("outputs");
        Assert.Equal(1, outputs.GetArrayLength());
        Assert.Equal(2, outputs[0].GetProperty("port").GetInt32());
        Assert.StartsWith("arp,in_port=1,", outputs[0].GetProperty("flow").GetString());
        Assert.False(doc.RootElement.GetProperty("dropped").GetBoolean());
        Assert.Equal(42 * 2, outputs[0].GetProperty("hex").GetString()!.Length);
    }

    [Theory]
    [InlineData("in_port=1,tcp,nw_src=10.0.0.1/8", "packet:")]
    [InlineData("in_port=1,tcp,nw_srcx=1", "packet: column")]
    [InlineData("", "packet:")]
    public void Bad_packets_are_rejected_with_a_message(string packet, string expected)
    {
        var r = OfflineTrace.Run(Flows, "f", null, null, packet, [], json: false);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith(expected, r.Error);
    }

    [Fact]
    public void Bad_flow_line_is_reported_with_file_line_and_column()
    {
        var r = OfflineTrace.Run("priority=1 actions=output:1\npriority=x actions=drop\n", "flows.txt", null, null, "in_port=1", [], json: false);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("flows.txt:2:", r.Error);
    }

    [Fact]
    public void Bad_ct_next_is_rejected()
    {
        var r = OfflineTrace.Run(Flows, "f", null, null, "in_port=1,tcp", ["trk,bogus"], json: false);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bogus", r.Error);
    }
}
