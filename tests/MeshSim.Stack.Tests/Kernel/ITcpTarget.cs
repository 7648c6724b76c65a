using MeshSim.Wire;

namespace MeshSim.Stack.Tests.Kernel;

/// <summary>A segment the target sent, with its receive time (ns since the scenario started) and
/// the raw option bytes (their order and padding are part of what is compared).</summary>
internal sealed record Seen(long AtNs, TcpRepr Segment, byte[] RawOptions, int PayloadLength);

/// <summary>What runs on the target host: the same behaviour as a Python program on Linux and as
/// a MeshSim application.</summary>
internal enum TargetApp
{
    /// <summary>Nothing listens: every port is closed.</summary>
    None,
    /// <summary>Listens, accepts, keeps each connection open and never reads.</summary>
    ListenHold,
    /// <summary>Listens, accepts and sends <c>Bytes</c> bytes on each connection.</summary>
    ListenSend,
    /// <summary>Listens, accepts and closes each connection at once.</summary>
    ListenClose,
    /// <summary>Connects to the probe's address.</summary>
    Connect,
}

/// <summary>The TCP under test, seen from the wire: the probe puts segments in front of it and
/// reads what it answers. One implementation drives a Linux kernel in a namespace (real time), the
/// other a MeshSim host (virtual time); scenarios are written once against this.</summary>
internal interface ITcpTarget : IDisposable
{
    /// <summary>"linux 6.1.0" or "meshsim".</summary>
    string Name { get; }

    /// <summary>Sends one segment from the probe (10.77.0.2) to the target (10.77.0.1).</summary>
    void Send(in TcpRepr segment, ReadOnlySpan<byte> payload);

    /// <summary>The next segment from the target within <paramref name="timeoutNs"/>, or null.</summary>
    Seen? Next(long timeoutNs);

    /// <summary>State for a failure message (the kernel's counters, its sockets).</summary>
    string Diagnose();

    /// <summary>Everything the target sends during the next <paramref name="durationNs"/>.</summary>
    List<Seen> Collect(long durationNs);
}
