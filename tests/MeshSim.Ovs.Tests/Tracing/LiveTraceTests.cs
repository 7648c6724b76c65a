using MeshSim.Ovs.Conntrack;
using MeshSim.Ovs.Datapath;
using MeshSim.Ovs.Tests.Datapath;
using MeshSim.Ovs.Tracing;
using MeshSim.Wire;
using static MeshSim.Ovs.Tests.Conntrack.Packets;

namespace MeshSim.Ovs.Tests.Tracing;

public class LiveTraceTests
{
    private static TestBridge VipBridge() => new TestBridge(1, 2).Flows("""
        table=0,priority=100,tcp,in_port=1,nw_dst=10.96.0.10,tp_dst=80 actions=ct(table=1,zone=1,nat)
        table=0,priority=100,tcp,in_port=2 actions=ct(table=1,zone=1,nat)
        table=1,priority=100,ct_state=+new+trk,tcp,in_port=1 actions=ct(commit,zone=1,nat(dst=10.1.0.1:8080)),output:2
        table=1,priority=90,ct_state=+est+trk,in_port=1 actions=output:2
        table=1,priority=90,ct_state=+est+rpl+trk,in_port=2 actions=output:1
        table=1,priority=1 actions=drop
        """);

    [Fact]
    public void A_packet_from_the_middle_of_a_connection_resumes_with_the_trackers_state_and_changes_nothing()
    {
        var t = VipBridge();
        t.Bridge.Receive(Tcp("10.0.0.1", 4000, "10.96.0.10", 80, TcpFlags.Syn, 100, 0), 1);
        t.Bridge.Receive(Tcp("10.1.0.1", 8080, "10.0.0.1", 4000, TcpFlags.Syn | TcpFlags.Ack, 900, 101), 2);
        t.Bridge.Receive(Tcp("10.0.0.1", 4000, "10.96.0.10", 80, TcpFlags.Ack, 101, 901), 1);
        string Dump() => string.Join("\n", t.Bridge.Conntrack.Connections(t.Now).Select(c => c.ToString()));
        var before = Dump();
        long flowPackets = t.Bridge.Tables.SelectMany(x => x.Flows(0)).Sum(r => r.Packets);
        t.Clear();

        var data = Tcp("10.0.0.1", 4000, "10.96.0.10", 80, TcpFlags.Psh | TcpFlags.Ack, 101, 901, payload: 10);
        var text = LiveTrace.Run(t.Bridge, data, 1, null, null).ToText();
        Assert.Contains("resume conntrack with ct_state=est|trk|dnat (from the live connection table)", text);
        Assert.Contains("ct_state=+est+trk,in_port=1, priority 90", text);
        Assert.Contains("Datapath actions: 2", text);

        var reply = Tcp("10.1.0.1", 8080, "10.0.0.1", 4000, TcpFlags.Ack, 901, 111);
        var replyText = LiveTrace.Run(t.Bridge, reply, 2, null, null).ToText();
        // The reply's un-DNAT is reported as snat, as OVS does.
        Assert.True(replyText.Contains("ct_state=est|rpl|trk|snat"), replyText);

        // Nothing of the live bridge moved: connections (with their TCP windows), counters, outputs.
        Assert.Equal(before, Dump());
        Assert.Equal(flowPackets, t.Bridge.Tables.SelectMany(x => x.Flows(0)).Sum(r => r.Packets));
        Assert.Empty(t.Out);
    }

    [Fact]
    public void Ct_next_states_replace_the_live_table_as_in_ofproto_trace()
    {
        var t = VipBridge();
        var syn = Tcp("10.0.0.1", 4000, "10.96.0.10", 80, TcpFlags.Syn, 100, 0);
        var text = LiveTrace.Run(t.Bridge, syn, 1, null, [CtState.Tracked | CtState.Established]).ToText();
        Assert.Contains("resume conntrack with ct_state=est|trk", text);
        Assert.DoesNotContain("from the live connection table", text);
    }

    [Theory]
    [InlineData("ct_state=trk|new")]
    [InlineData("ct_state=0x21")]
    public void Trace_packets_take_an_exact_ct_state_as_ofproto_trace_does(string ct)
    {
        Assert.True(TracePacket.TryParse($"in_port=1,tcp,{ct},nw_src=10.0.0.1,nw_dst=10.0.0.5", out var p, out var error), error);
        Assert.Equal((ulong)(CtState.Tracked | CtState.New), p!.Key.Get(MeshSim.Ovs.Classification.KeyField.CtState));
    }

    [Fact]
    public void A_flag_match_ct_state_is_refused_as_ofproto_trace_refuses_it()
    {
        Assert.False(TracePacket.TryParse("in_port=1,tcp,ct_state=+trk+new,nw_src=10.0.0.1", out _, out var error));
        Assert.Contains("wildcards not allowed here", error);
    }
}
