using MeshSim.Engine;
using MeshSim.P4.Runtime;
using MeshSim.P4.Simulation;
using static MeshSim.P4.Tests.TestFrames;

namespace MeshSim.P4.Tests.Simulation;

public class TutorialLabTests
{
    private sealed class Probe : Node
    {
        public readonly List<byte[]> Got = [];
        public Probe(Network n, string name) : base(n, name) => AddPort(0);
        public void Send(byte[] b) { var f = Network.Frames.Rent(b); f.Id = Network.NextFrameId(); Ports[0].Send(f); }
        protected override void Receive(Port port, Frame frame) { Got.Add(frame.Data.ToArray()); frame.Release(); }
    }

    private const string Runtime = """
    {
      "target": "bmv2", "p4info": "build/router.p4.p4info.txt", "bmv2_json": "build/router.json",
      "table_entries": [
        { "table": "MyIngress.ipv4_lpm", "default_action": true, "action_name": "drop", "action_params": { } },
        { "table": "MyIngress.ipv4_lpm", "match": { "hdr.ipv4.dstAddr": ["10.0.2.2", 32] },
          "action_name": "route", "action_params": { "dmac": "08:00:00:00:02:22", "port": 2 } },
        { "table": "MyIngress.acl", "match": { "hdr.l4.dstPort": [22, 65535] }, "priority": 10,
          "action_name": "drop", "action_params": { } }
      ],
      "multicast_group_entries": [ { "multicast_group_id": 1, "replicas": [ { "egress_port": 1, "instance": 1 }, { "egress_port": 2, "instance": 1 } ] } ],
      "clone_session_entries": [ { "clone_session_id": 100, "replicas": [ { "egress_port": 3, "instance": 1 } ] } ]
    }
    """;

    private const string Topology = """
    {
      "hosts": {
        "h1": {"ip": "10.0.1.1/24", "mac": "08:00:00:00:01:11", "commands": ["route add default gw 10.0.1.10 dev eth0"]},
        "h2": {"ip": "10.0.2.2/24", "mac": "08:00:00:00:02:22", "commands": []}
      },
      "switches": { "s1": { "runtime_json": "s1-runtime.json" } },
      "links": [ ["h1", "s1-p1"], ["h2", "s1-p2", "2ms", 100] ]
    }
    """;

    [Fact]
    public void A_tutorial_lab_loads_and_forwards_without_mininet()
    {
        var dir = Directory.CreateTempSubdirectory("meshsim-lab-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "build"));
            File.WriteAllText(Path.Combine(dir, "build/router.json"), TestPrograms.RouterBuilder().ToJson());
            File.WriteAllText(Path.Combine(dir, "s1-runtime.json"), Runtime);
            var lab = TutorialLab.Parse(Topology, out var perr);
            Assert.Empty(perr);
            Assert.Equal("route add default gw 10.0.1.10 dev eth0", Assert.Single(lab!.Hosts[0].Commands));
            var net = new Network(seed: 3);
            var errors = lab.Build(net, dir, null, h => new Probe(net, h.Name), out var nodes);
            Assert.Empty(errors);
            var h1 = (Probe)nodes["h1"]; var h2 = (Probe)nodes["h2"];
            h1.Send(Ipv4(Ip("10.0.1.1"), Ip("10.0.2.2"), dport: 80));
            h1.Send(Ipv4(Ip("10.0.1.1"), Ip("10.0.2.2"), dport: 22));   // acl drop
            h1.Send(Ipv4(Ip("10.0.1.1"), Ip("10.0.3.3")));               // default action drop
            net.Sim.Run();
            var got = Assert.Single(h2.Got);
            Assert.Equal([8, 0, 0, 0, 2, 0x22], got[0..6]);
            Assert.True(net.Sim.Now >= 2_000_000);                        // the 2 ms link latency applied
            var s1 = (P4Switch)nodes["s1"];
            Assert.Equal(3, s1.Program.Pre.MirrorSessions[100]);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Runtime_json_errors_name_the_entry()
    {
        var p = TestPrograms.Router();
        var errs = RuntimeJson.Apply(p, """{"table_entries":[{"table":"MyIngress.nope","action_name":"x"},{"table":"MyIngress.ipv4_lpm","match":{"hdr.ipv4.dstAddr":["10.0.0.0",8]},"action_name":"forward","action_params":{}}]}""", "s9-runtime.json");
        Assert.Equal(["s9-runtime.json: table_entries[0]: no table 'MyIngress.nope'", "s9-runtime.json: table_entries[1]: action 'forward' needs parameter 'port'"], errs);
    }

    [Fact]
    public void P4Runtime_priorities_are_higher_wins()
    {
        var h = new Harness(TestPrograms.Router(), "table_add ipv4_lpm forward 0.0.0.0/0 => 1");
        var errs = RuntimeJson.Apply(h.Program, """
        {"table_entries":[
          {"table":"MyIngress.acl","match":{"hdr.l4.dstPort":[80,65535]},"priority":1,"action_name":"forward","action_params":{"port":5}},
          {"table":"MyIngress.acl","match":{"hdr.l4.dstPort":[80,65535]},"priority":50,"action_name":"forward","action_params":{"port":6}}]}
        """);
        Assert.Empty(errs);
        Assert.Equal(6, h.Send(Ipv4(1, 2, dport: 80))[0].Port);
    }
}
