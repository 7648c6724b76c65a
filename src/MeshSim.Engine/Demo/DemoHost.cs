using System.Buffers.Binary;
using MeshSim.Wire;

namespace MeshSim.Engine.Demo;

/// <summary>
/// A minimal node for the built-in demo: it speaks a toy protocol over Ethernet (EtherType 0x88B5,
/// IEEE "local experimental"), so the demo needs no IP stack. A client sends numbered requests at
/// random intervals with random sizes; a server answers each with a reply of the same size.
/// </summary>
internal sealed class DemoHost : Node, IEventHandler
{
    /// <summary>IEEE 802 local experimental EtherType 1: never collides with a real protocol.</summary>
    public const ushort EtherType = 0x88B5;
    public const byte Request = 1, Reply = 2;
    /// <summary>Ethernet header (14) + magic (4) + kind (1) + sequence (4) + send time (8).</summary>
    public const int HeaderLength = 14 + 17;
    private static ReadOnlySpan<byte> Magic => "MSIM"u8;

    private readonly MacAddress _mac;
    private readonly SimRandom? _intervals, _sizes;
    private readonly long _meanIntervalNs;
    private int _toSend;
    private uint _nextSeq;

    private DemoHost(Network network, string name, MacAddress mac, int toSend, long meanIntervalNs) : base(network, name)
    {
        _mac = mac;
        _toSend = toSend;
        _meanIntervalNs = meanIntervalNs;
        if (toSend > 0)
        {
            _intervals = network.Sim.Random($"demo/{name}/interval");
            _sizes = network.Sim.Random($"demo/{name}/size");
        }
        Port = AddPort(1);
    }

    public static DemoHost Client(Network n, string name, MacAddress mac, int requests, long meanIntervalNs) => new(n, name, mac, requests, meanIntervalNs);
    public static DemoHost Server(Network n, string name, MacAddress mac) => new(n, name, mac, 0, 0);

    public Port Port { get; }
    public MacAddress Peer { get; set; }
    public int RequestsSent { get; private set; }
    public int RepliesReceived { get; private set; }
    public int RequestsAnswered { get; private set; }
    public long MinRttNs { get; private set; } = long.MaxValue;
    public long MaxRttNs { get; private set; }

    /// <summary>Schedules the first request (clients only).</summary>
    public void Start()
    {
        if (_toSend > 0) Sim.Schedule(_intervals!.ExponentialNs(_meanIntervalNs), this);
    }

    /// <summary>Time to send the next request.</summary>
    public void OnEvent(Simulator sim, long arg, object? state)
    {
        int length = _sizes!.Next(60, 1515);                 // 60..1514 bytes without FCS
        var frame = Network.Frames.Rent();
        frame.Length = length;
        frame.Id = Network.NextFrameId();
        var b = frame.Data;
        Peer.Write(b);
        _mac.Write(b[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(b[12..], EtherType);
        Magic.CopyTo(b[14..]);
        b[18] = Request;
        BinaryPrimitives.WriteUInt32BigEndian(b[19..], _nextSeq++);
        BinaryPrimitives.WriteInt64BigEndian(b[23..], sim.Now);
        for (int i = HeaderLength; i < length; i++) b[i] = (byte)i;   // recognisable filler
        Port.Send(frame);
        RequestsSent++;
        if (--_toSend > 0) sim.Schedule(_intervals!.ExponentialNs(_meanIntervalNs), this);
    }

    protected internal override void Receive(Port port, Frame frame)
    {
        var b = frame.Data;
        if (b.Length < HeaderLength || BinaryPrimitives.ReadUInt16BigEndian(b[12..]) != EtherType
            || !b.Slice(14, 4).SequenceEqual(Magic) || MacAddress.Read(b) != _mac)
        {
            Network.NotifyDropped(port, b, DropReason.Host, "not a demo frame for this host");
            frame.Release();
            return;
        }
        if (b[18] == Request)
        {
            // Answer in place: swap addresses, flip the kind, keep sequence, send time and size.
            var src = MacAddress.Read(b[6..]);
            src.Write(b);
            _mac.Write(b[6..]);
            b[18] = Reply;
            RequestsAnswered++;
            Port.Send(frame);
            return;
        }
        long rtt = Sim.Now - BinaryPrimitives.ReadInt64BigEndian(b[23..]);
        MinRttNs = Math.Min(MinRttNs, rtt);
        MaxRttNs = Math.Max(MaxRttNs, rtt);
        RepliesReceived++;
        frame.Release();
    }
}
