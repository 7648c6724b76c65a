using System.Buffers.Binary;
using MeshSim.Ovs.Classification;
using MeshSim.Ovs.Datapath;
using MeshSim.Wire;

namespace MeshSim.Ovs.Tracing;

/// <summary>
/// A packet given in ofproto/trace's flow syntax (<c>in_port=1,tcp,nw_src=10.0.0.1,tp_dst=80</c>):
/// every field exact, unspecified fields zero, as <c>ovs-appctl ofproto/trace BRIDGE FLOW</c>
/// takes it. <see cref="Frame"/> is a frame with exactly those headers, so outputs have real bytes.
/// </summary>
public sealed class TracePacket
{
    private TracePacket(PacketKey key, byte[] frame)
    {
        Key = key;
        Frame = frame;
    }

    /// <summary>The flow, including any metadata given (registers, ct_state, ...).</summary>
    public PacketKey Key { get; }

    /// <summary>A frame carrying the flow's headers.</summary>
    public byte[] Frame { get; }

    /// <summary>The input port.</summary>
    public uint InPort => (uint)Key.Get(KeyField.InPort);

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says which column and what was expected.</summary>
    public static bool TryParse(string text, out TracePacket? packet, out string? error)
    {
        packet = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty packet: expected a flow such as 'in_port=1,tcp,nw_src=10.0.0.1,tp_dst=80'";
            return false;
        }
        if (!OvsParser.TryParseFlow(text.Trim() + " actions=drop", out var flow, out var syntax))
        {
            error = syntax is null ? "invalid packet" : $"column {syntax.Column}: {syntax.Message}";
            return false;
        }
        // ofproto/trace parses exact flows with the field registry and checks each field's prerequisites
        // (there tp_src/tp_dst are TCP's fields, so UDP needs udp_src/udp_dst).
        ushort? dlType = flow!.Match.EthType;
        byte? proto = flow.Match.NwProto;
        foreach (var token in text.Split(',', StringSplitOptions.TrimEntries))
        {
            int eq = token.IndexOf('=');
            var name = eq < 0 ? token : token[..eq];
            if (!OvsFields.TryGet(name, out var field)) continue;
            var pre = name is "tp_src" or "tp_dst" ? FieldPrerequisite.Tcp : field.Prerequisite;
            bool ok = pre switch
            {
                FieldPrerequisite.Ipv4 => dlType == 0x0800,
                FieldPrerequisite.Arp => dlType is 0x0806 or 0x8035,
                FieldPrerequisite.Tcp => dlType == 0x0800 && proto == 6,
                FieldPrerequisite.Udp => dlType == 0x0800 && proto == 17,
                FieldPrerequisite.Icmp => dlType == 0x0800 && proto == 1,
                FieldPrerequisite.L4 => dlType == 0x0800 && proto is 6 or 17 or 132,
                FieldPrerequisite.Sctp => dlType == 0x0800 && proto == 132,
                _ => true,
            };
            if (!ok)
            {
                error = $"prerequisites not met for setting {name}" + (name is "tp_src" or "tp_dst" ? $" (it means tcp_{name[3..]}; use udp_{name[3..]} for UDP)" : "");
                return false;
            }
        }
        var key = default(PacketKey);
        foreach (var f in flow.Match.Fields)
        {
            // ofproto/trace reads ct_state=trk|new and ct_state=0x21 as the exact state, and refuses only
            // the flag-match form (+trk+new: "wildcards not allowed here").
            if (f.Field == OvsFieldId.CtState && !CtStateIsFlagMatch(text))
            {
                FieldMap.Write(ref key, f.Field, f.Value, f.Info.FullMask);
                continue;
            }
            if (!f.IsExact)
            {
                error = f.Field == OvsFieldId.CtState
                    ? "bad value for ct_state (wildcards not allowed here): give the state as trk|new or 0x21, not +trk+new"
                    : $"{f.Info.Name}: a traced packet needs exact values, not a mask";
                return false;
            }
            FieldMap.Write(ref key, f.Field, f.Value, f.Info.FullMask);
        }
        packet = new TracePacket(key, Synthesize(in key));
        return true;
    }

    private static bool CtStateIsFlagMatch(string text)
    {
        foreach (var token in text.Split(',', StringSplitOptions.TrimEntries))
            if (token.StartsWith("ct_state=", StringComparison.Ordinal))
                return token.Length > 9 && token[9] is '+' or '-';
        return false;
    }

    /// <summary>Builds a frame whose headers are exactly <paramref name="key"/>'s.</summary>
    public static byte[] Synthesize(in PacketKey key)
    {
        var buf = new byte[256];
        ushort dlType = (ushort)key.Get(KeyField.DlType);
        ushort tci = (ushort)key.Get(KeyField.VlanTci);
        var eth = new EthernetRepr(new MacAddress(key.Get(KeyField.DlSrc)), new MacAddress(key.Get(KeyField.DlDst)), dlType,
                                   (tci & 0x1000) != 0 ? (ushort)(tci & ~0x1000) : null);
        int n;
        if (dlType == 0x0800)
        {
            var frag = (FragmentState)key.Get(KeyField.NwFrag);
            var ip = new Ipv4Repr(new Ipv4Address((uint)key.Get(KeyField.NwSrc)), new Ipv4Address((uint)key.Get(KeyField.NwDst)),
                Ttl: (byte)key.Get(KeyField.NwTtl), Tos: (byte)key.Get(KeyField.NwTos),
                MoreFragments: (frag & FragmentState.Any) != 0 && (frag & FragmentState.Later) == 0,
                FragmentOffset: (frag & FragmentState.Later) != 0 ? 8 : 0);
            byte proto = (byte)key.Get(KeyField.NwProto);
            ushort sp = (ushort)key.Get(KeyField.TpSrc), dp = (ushort)key.Get(KeyField.TpDst);
            if ((frag & FragmentState.Later) == 0 && proto == 6)
                n = FrameBuilder.Tcp(buf, eth, ip, new TcpRepr(sp, dp, 0, 0, (TcpFlags)key.Get(KeyField.TcpFlags), 0), []);
            else if ((frag & FragmentState.Later) == 0 && proto == 17)
                n = FrameBuilder.Udp(buf, eth, ip, new UdpRepr(sp, dp, 0), []);
            else if ((frag & FragmentState.Later) == 0 && proto == 1)
                n = FrameBuilder.Icmp(buf, eth, ip, new IcmpV4Repr((byte)sp, (byte)dp, 0, 0), []);
            else if ((frag & FragmentState.Later) == 0 && proto == 132)
            {
                // An SCTP common header alone (ports, verification tag 0, its CRC32c).
                eth.Emit(EthernetView.ForEmit(buf));
                int l3 = eth.HeaderLength;
                (ip with { Protocol = proto, PayloadLength = 12 }).Emit(Ipv4View.ForEmit(buf.AsSpan(l3)), ChecksumMode.Fill);
                var sctp = buf.AsSpan(l3 + 20, 12);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(sctp, sp);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(sctp[2..], dp);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(sctp[8..], Datapath.HeaderRewriter.Crc32C(sctp));
                n = l3 + 32;
            }
            else
            {
                // Another protocol (or a later fragment): an IPv4 header alone.
                eth.Emit(EthernetView.ForEmit(buf));
                int l3 = eth.HeaderLength;
                (ip with { Protocol = proto, PayloadLength = 0 }).Emit(Ipv4View.ForEmit(buf.AsSpan(l3)), ChecksumMode.Fill);
                n = l3 + 20;
            }
        }
        else if (dlType == 0x0806)
        {
            n = FrameBuilder.Arp(buf, eth, new ArpRepr((ushort)key.Get(KeyField.NwProto),
                new MacAddress(key.Get(KeyField.ArpSha)), new Ipv4Address((uint)key.Get(KeyField.NwSrc)),
                new MacAddress(key.Get(KeyField.ArpTha)), new Ipv4Address((uint)key.Get(KeyField.NwDst))));
        }
        else
        {
            eth.Emit(EthernetView.ForEmit(buf));
            n = eth.HeaderLength;
        }
        n = Math.Max(n, 14);
        return buf[..n];
    }
}
