using MeshSim.P4.Runtime;
using static MeshSim.P4.Tests.TestFrames;

namespace MeshSim.P4.Tests.Runtime;

public class PacketRunnerTests
{
    [Fact]
    public void Runs_hex_packets_with_a_commands_file_and_prints_port_and_hex()
    {
        var json = TestPrograms.RouterBuilder().ToJson();
        var frame = Ipv4(Ip("10.0.0.1"), Ip("10.0.1.9"));
        var r = PacketRunner.Run(json, "table_add ipv4_lpm forward 10.0.1.0/24 => 4\n", 1, [Convert.ToHexString(frame), "00"]);
        Assert.Empty(r.Errors);
        Assert.Equal($"port 4 {Convert.ToHexString(frame).ToLowerInvariant()}\nport 9 00\n", r.ToText());
        Assert.Contains("\"port\": 4", r.ToJson());
    }

    [Fact]
    public void Reports_bad_commands_and_bad_hex_with_positions()
    {
        var json = TestPrograms.RouterBuilder().ToJson();
        var r1 = PacketRunner.Run(json, "\n\ntable_add nosuch x 1 => 2\n", 1, ["00"]);
        Assert.Equal("commands:3: Error: Invalid table name (nosuch)", Assert.Single(r1.Errors));
        var r2 = PacketRunner.Run(json, null, 1, ["0g"]);
        Assert.StartsWith("--packet #1:", Assert.Single(r2.Errors));
        var r3 = PacketRunner.Run("{\"__meta__\": {\"version\": [3, 0]}}", null, 1, ["00"], programName: "x.json");
        Assert.StartsWith("x.json: __meta__.version:", Assert.Single(r3.Errors));
        var r4 = PacketRunner.Run("{}", null, 1, ["0102"]);       // untagged, empty program (bmv2 accepts it): payload passes to port 0
        Assert.Equal("port 0 0102\n", r4.ToText());
    }
}
