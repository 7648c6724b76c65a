using MeshSim.Oracles.Differential;
using MeshSim.Oracles.RealOvs;

namespace MeshSim.Oracles.Tests.Differential;

/// <summary>Parsing what OVS 3.1 printed (the texts are copied from a real bridge).</summary>
public class RealObservationTests
{
    private const string DumpFlows =
        "NXST_FLOW reply (xid=0x4):\n" +
        " cookie=0x3, duration=0.029s, table=0, n_packets=1, n_bytes=43, idle_age=0, priority=10,arp actions=output:2,group:1\n" +
        " cookie=0x1a, duration=0.029s, table=1, n_packets=0, n_bytes=0, idle_age=0, priority=0 actions=drop\n";

    private const string GroupStats =
        "OFPST_GROUP reply (OF1.5) (xid=0x6):\n" +
        " group_id=1,duration=0.046s,ref_count=1,packet_count=3,byte_count=129,bucket0:packet_count=1,byte_count=43,bucket1:packet_count=2,byte_count=86\n";

    private const string Conntrack =
        "tcp,orig=(src=10.0.0.1,dst=10.0.0.100,sport=40000,dport=80),reply=(src=10.0.0.2,dst=10.0.0.1,sport=8080,dport=40000),id=0,zone=5,status=0,mark=7,protoinfo=(state_orig=SYN_SENT,state_reply=CLOSED,flags_orig=BE_LIBERAL,flags_reply=BE_LIBERAL)\n" +
        "icmp,orig=(src=10.0.0.1,dst=10.0.0.2,id=4660,type=8,code=0),reply=(src=10.0.0.2,dst=10.0.0.1,id=4660,type=0,code=0),id=12,status=0\n";

    [Fact]
    public void Counters_and_connections_are_read_from_the_dumps()
    {
        var o = RealObservation.From(new RealRun { DumpFlows = DumpFlows, DumpGroupStats = GroupStats, DumpConntrack = Conntrack });
        Assert.Equal("n_packets=1 n_bytes=43", o.Flows[3]);
        Assert.Equal("n_packets=0 n_bytes=0", o.Flows[0x1a]);
        Assert.Equal("packet_count=3 byte_count=129 bucket0=1/43 bucket1=2/86", o.Groups[1]);
        Assert.Equal(
        [
            "icmp,orig=(src=10.0.0.1,dst=10.0.0.2,id=4660,type=8,code=0),reply=(src=10.0.0.2,dst=10.0.0.1,id=4660,type=0,code=0)",
            "tcp,orig=(src=10.0.0.1,dst=10.0.0.100,sport=40000,dport=80),reply=(src=10.0.0.2,dst=10.0.0.1,sport=8080,dport=40000),zone=5,mark=7,protoinfo=(state_orig=SYN_SENT,state_reply=CLOSED)",
        ], o.Conntrack);
    }
}
