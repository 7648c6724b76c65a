namespace MeshSim.Wire.Tests;

public class VxlanTests
{
    private static byte[] Header() => Captures.VxlanEcho[42..];

    [Fact]
    public void Deconstruct_the_whole_stack()
    {
        var frame = Captures.VxlanEcho;
        Assert.True(EthernetView.TryCreate(frame, out var eth, out _));
        Assert.True(Ipv4View.TryCreate(eth.Payload, out var ip, out _));
        Assert.True(UdpView.TryCreate(ip.Payload, out var udp, out _));
        Assert.Equal(UdpRepr.VxlanPort, udp.DestinationPort);
        Assert.True(VxlanView.TryCreate(udp.Payload, out var vx, out _));
        Assert.Equal(VxlanView.ValidVniFlag, vx.Flags);
        Assert.Equal(5001u, vx.Vni);
        Assert.Equal(0u, vx.Reserved1);
        Assert.Equal(0, vx.Reserved2);
        Assert.True(EthernetView.TryCreate(vx.Payload, out var inner, out _));
        Assert.Equal(MacAddress.Parse("02:00:00:00:01:0b"), inner.Destination);
        Assert.True(Ipv4View.TryCreate(inner.Payload, out var innerIp, out _));
        Assert.Equal(Ipv4Address.Parse("10.77.1.2"), innerIp.Destination);
    }

    [Fact]
    public void Construct()
    {
        var expected = Header();
        var buf = Captures.Junk(expected.Length);
        expected.AsSpan(8).CopyTo(buf.AsSpan(8));
        var vx = VxlanView.ForEmit(buf);
        vx.Flags = 0x08; vx.Reserved1 = 0; vx.Vni = 5001; vx.Reserved2 = 0;
        Assert.Equal(expected, buf);
    }

    [Fact]
    public void Parse_and_emit()
    {
        var expected = Header();
        Assert.True(VxlanView.TryCreate((byte[])expected.Clone(), out var vx, out _));
        Assert.True(VxlanRepr.TryParse(vx, out var repr, out _));
        Assert.Equal(new VxlanRepr(5001), repr);
        var buf = Captures.Junk(repr.BufferLength(expected.Length - 8));
        expected.AsSpan(8).CopyTo(buf.AsSpan(8));
        repr.Emit(VxlanView.ForEmit(buf));
        Assert.Equal(expected, buf);
    }

    [Fact]
    public void Missing_I_flag_is_a_bad_field()
    {
        var h = Header();
        h[0] = 0;
        Assert.True(VxlanView.TryCreate(h, out var vx, out _));
        Assert.False(VxlanRepr.TryParse(vx, out _, out var error));
        Assert.Equal((WireErrorKind.BadField, 0), (error.Kind, error.Offset));
    }
}
