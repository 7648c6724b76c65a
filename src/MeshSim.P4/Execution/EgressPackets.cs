namespace MeshSim.P4.Execution;

/// <summary>
/// The packets a switch emitted for one input, in emission order. Buffers are reused across calls,
/// so read (or copy) them before processing the next packet.
/// </summary>
public sealed class EgressPackets
{
    private byte[][] _buffers = [new byte[2048], new byte[2048]];
    private int[] _ports = new int[2];
    private int[] _lengths = new int[2];

    public int Count { get; private set; }
    public int Port(int i) => _ports[i];
    public ReadOnlySpan<byte> Frame(int i) => _buffers[i].AsSpan(0, _lengths[i]);

    internal void Clear() => Count = 0;

    internal byte[] Rent(int size)
    {
        if (Count == _buffers.Length)
        {
            Array.Resize(ref _buffers, Count * 2);
            Array.Resize(ref _ports, Count * 2);
            Array.Resize(ref _lengths, Count * 2);
        }
        ref var b = ref _buffers[Count];
        if (b is null || b.Length < size) b = new byte[Math.Max(size, 2048)];
        return b;
    }

    internal void Commit(int port, int length)
    {
        _ports[Count] = port; _lengths[Count] = length; Count++;
    }
}
