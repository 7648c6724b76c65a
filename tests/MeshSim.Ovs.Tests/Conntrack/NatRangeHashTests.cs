using FsCheck.Xunit;
using MeshSim.Engine;
using MeshSim.Ovs.Conntrack;
using MeshSim.Wire;
using static MeshSim.Ovs.Tests.Conntrack.Packets;

namespace MeshSim.Ovs.Tests.Conntrack;

/// <summary>OVS's NAT range hash and its inverse (the real daemon's choices are checked in the
/// differential tests and the stored nat-range cases).</summary>
public class NatRangeHashTests
{
    [Property(MaxTest = 500)]
    public bool The_basis_is_recovered_from_the_hash(uint basis, uint src, uint dst, ushort sport, ushort dport, ushort zone, bool udp, ushort minPort)
    {
        var key = new ConnKey(src, dst, sport, dport, 0, 0, udp ? (byte)17 : (byte)6, zone);
        var nat = new NatRequest(NatMode.Src | NatMode.SrcPort, 0x0A000901, 0x0A0009C8, minPort, 65535);
        return NatRangeHash.BasisFor(in key, in nat, NatRangeHash.Compute(in key, in nat, basis)) == basis;
    }

    [Fact]
    public void The_basis_decides_which_port_of_the_range_a_connection_gets()
    {
        int Port(uint basis)
        {
            var ct = new ConnTracker(SimRandom.ForStream(1, "nat")) { NatHashBasis = basis };
            var udp = Udp("10.0.0.1", 40000, "10.0.0.2", 53);
            var flow = Flow(udp);
            CtMetadata md = default;
            var nat = new NatRequest(NatMode.Src | NatMode.SrcPort, 0x0A000901, 0x0A000901, 2000, 60000);
            ct.Execute(udp, in flow, ref md, new CtRequest(true, false, 1, nat), 0);
            var key = new ConnKey(0x0A000001, 0x0A000002, 40000, 53, 0, 0, 17, 1);
            Assert.Equal(2000 + NatRangeHash.Compute(in key, in nat, basis) % 58001, Flow(udp).TpSrc);
            return Flow(udp).TpSrc;
        }
        Assert.NotEqual(Port(1), Port(2));
    }
}
