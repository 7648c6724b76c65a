using MeshSim.P4.Execution;
using static MeshSim.P4.Tests.TestFrames;

namespace MeshSim.P4.Tests.Execution;

public class ActionSelectorTests
{
    private static Harness Lb() => new(TestPrograms.Selector(),
        "act_prof_create_member lb_selector forward 11", "act_prof_create_member lb_selector forward 12", "act_prof_create_member lb_selector forward 13",
        "act_prof_create_group lb_selector",
        "act_prof_add_member_to_group lb_selector 0 0", "act_prof_add_member_to_group lb_selector 1 0", "act_prof_add_member_to_group lb_selector 2 0",
        "table_indirect_add_with_group lb 10.0.0.100 => 0");

    [Fact]
    public void Group_member_is_crc16_of_the_selector_fields_modulo_group_size()
    {
        var h = Lb();
        for (ushort sport = 1000; sport < 1064; sport++)
        {
            var f = Ipv4(Ip("10.0.0.1"), Ip("10.0.0.100"), protocol: 6, sport: sport, dport: 80);
            byte[] key = [.. f[26..34], 6, .. f[34..38]];
            int expected = 11 + HashAlgorithms.Crc16(key) % 3;
            Assert.Equal(expected, h.Send(f)[0].Port);
        }
    }

    [Fact]
    public void All_members_get_traffic_and_a_flow_always_lands_on_the_same_member()
    {
        var h = Lb();
        var ports = new Dictionary<ushort, int>();
        for (ushort sport = 2000; sport < 2300; sport++)
            ports[sport] = h.Send(Ipv4(Ip("10.0.0.1"), Ip("10.0.0.100"), protocol: 17, sport: sport))[0].Port;
        Assert.Equal([11, 12, 13], ports.Values.Distinct().Order());
        foreach (var (sport, port) in ports.Take(20))
            Assert.Equal(port, h.Send(Ipv4(Ip("10.0.0.1"), Ip("10.0.0.100"), protocol: 17, sport: sport))[0].Port);
    }

    [Fact]
    public void Members_in_use_cannot_be_deleted_and_direct_table_add_is_refused()
    {
        var h = Lb();
        Assert.EndsWith("(MBR_STILL_USED)", h.Cli.Execute("act_prof_delete_member lb_selector 0").Output);
        Assert.EndsWith("Cannot run this command on an indirect table", h.Cli.Execute("table_add lb forward 10.0.0.1 => 3").Output);
        Assert.EndsWith("(INVALID_GRP_HANDLE)", h.Cli.Execute("table_indirect_add_with_group lb 10.0.0.7 => 5").Output);
    }
}
