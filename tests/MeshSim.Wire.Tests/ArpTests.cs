namespace MeshSim.Wire.Tests;

public class ArpTests
{
    private static readonly MacAddress A = MacAddress.Parse("02:00:00:00:00:0a"), B = MacAddress.Parse("02:00:00:00:00:0b");
    private static readonly Ipv4Address IpA = Ipv4Address.Parse("10.77.0.1"), IpB = Ipv4Address.Parse("10.77.0.2");
    private static readonly ArpRepr Request = new(ArpOperation.Request, B, IpB, default, IpA);
    private static readonly ArpRepr Reply = new(ArpOperation.Reply, A, IpA, B, IpB);

    private static byte[] Packet(byte[] frame) => frame[14..];

    [Fact]
    public void Deconstruct()
    {
        Assert.True(ArpView.TryCreate(Packet(Captures.ArpReply), out var arp, out _));
        Assert.Equal(1, arp.HardwareType);
        Assert.Equal(0x0800, arp.ProtocolType);
        Assert.Equal(6, arp.HardwareLength);
        Assert.Equal(4, arp.ProtocolLength);
        Assert.Equal(ArpOperation.Reply, arp.Operation);
        Assert.Equal(A, arp.SenderHardwareAddress);
        Assert.Equal(IpA, arp.SenderProtocolAddress);
        Assert.Equal(B, arp.TargetHardwareAddress);
        Assert.Equal(IpB, arp.TargetProtocolAddress);
    }

    [Fact]
    public void Construct()
    {
        var buf = Captures.Junk(28);
        var arp = ArpView.ForEmit(buf);
        arp.HardwareType = 1; arp.ProtocolType = 0x0800; arp.HardwareLength = 6; arp.ProtocolLength = 4;
        arp.Operation = ArpOperation.Reply;
        arp.SenderHardwareAddress = A; arp.SenderProtocolAddress = IpA;
        arp.TargetHardwareAddress = B; arp.TargetProtocolAddress = IpB;
        Assert.Equal(Packet(Captures.ArpReply), buf);
    }

    [Fact]
    public void Parse()
    {
        Assert.True(ArpView.TryCreate(Packet(Captures.ArpRequest), out var arp, out _));
        Assert.True(ArpRepr.TryParse(arp, out var repr, out _));
        Assert.Equal(Request, repr);
    }

    [Fact]
    public void Emit()
    {
        var buf = Captures.Junk(Reply.BufferLength);
        Reply.Emit(ArpView.ForEmit(buf));
        Assert.Equal(Packet(Captures.ArpReply), buf);
    }

    [Fact]
    public void Non_ethernet_hardware_is_unsupported_at_byte_0()
    {
        var p = Packet(Captures.ArpRequest);
        p[1] = 6;                                              // IEEE 802 hardware type
        Assert.True(ArpView.TryCreate(p, out var arp, out _));
        Assert.False(ArpRepr.TryParse(arp, out _, out var error));
        Assert.Equal(WireErrorKind.Unsupported, error.Kind);
        Assert.Equal(0, error.Offset);
    }

    [Fact]
    public void Other_address_lengths_are_unsupported_not_misread()
    {
        var p = Packet(Captures.ArpRequest);
        p[5] = 16;                                             // an IPv6-sized protocol address
        Assert.False(ArpView.TryCreate(p, out _, out var error));
        Assert.Equal(WireErrorKind.Unsupported, error.Kind);
        Assert.Equal(5, error.Offset);
    }
}
