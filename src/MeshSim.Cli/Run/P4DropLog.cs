using System.Buffers.Binary;
using MeshSim.Engine;
using MeshSim.P4.Simulation;
using MeshSim.Wire;

namespace MeshSim.Cli.Run;

/// <summary>
/// Remembers where P4 pipelines dropped IPv4 packets, by (source, destination) address. A P4
/// program has state (registers, counters, meters) that replaying a packet would change, so unlike
/// an OpenFlow switch it cannot be traced after the fact; the drops it reported as they happened
/// are what <see cref="DropExplainer"/> names instead. Only drops allocate (one entry per pair).
/// </summary>
public sealed class P4DropLog : IFrameObserver
{
    private readonly Dictionary<(uint Src, uint Dst), string> _last = new();

    /// <summary>The latest P4 drop of a packet from <paramref name="src"/> to <paramref name="dst"/> ("s2: dropped by the P4 pipeline"), or null.</summary>
    public string? LastDrop(Ipv4Address src, Ipv4Address dst) => _last.GetValueOrDefault((src.Value, dst.Value));

    /// <inheritdoc/>
    public void OnSent(long timeNs, Port port, ReadOnlySpan<byte> frame) { }

    /// <inheritdoc/>
    public void OnReceived(long timeNs, Port port, ReadOnlySpan<byte> frame) { }

    /// <inheritdoc/>
    public void OnDropped(long timeNs, Port? port, ReadOnlySpan<byte> frame, DropReason reason, string? detail)
    {
        if (port?.Owner is not P4Switch sw || reason is not (DropReason.Pipeline or DropReason.Malformed)) return;
        // Ethernet (14 bytes, no VLAN) + IPv4 addresses at 12..20 of the IP header.
        if (frame.Length < 34 || BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != 0x0800 || frame[14] >> 4 != 4) return;
        uint src = BinaryPrimitives.ReadUInt32BigEndian(frame[26..]), dst = BinaryPrimitives.ReadUInt32BigEndian(frame[30..]);
        _last[(src, dst)] = detail ?? $"{sw.Name}: dropped ({reason})";
    }
}
