using MeshSim.Engine;
using MeshSim.Wire;

namespace MeshSim.Stack.Sockets;

/// <summary>How <c>connect()</c> picks a local port.</summary>
public enum EphemeralPortChoice : byte
{
    /// <summary>The next free port after the last one, in order (MeshSim's default: easy to read in captures).</summary>
    Sequential,
    /// <summary>As Linux 6.x's <c>__inet_hash_connect</c> does: see <see cref="LinuxPortChooser"/>.</summary>
    Linux,
}

/// <summary>
/// Linux's choice of a source port for <c>connect()</c> (net/ipv4/inet_hashtables.c,
/// <c>__inet_hash_connect</c>, since the 2022 perturbation fixes): the search starts at a per-destination
/// offset (a keyed hash of the addresses and the destination port plus a perturbation table slot
/// with random initial contents), tries the ports of the range's lower bound's parity first, two
/// at a time, then the other parity; after a success the slot moves on by two plus the larger of
/// the ports skipped and a random even number below 16. So a client calling one server uses even
/// ports (with the default 32768-60999) in small random steps, comes round every ~3,000
/// connections and lands on ports it used seconds ago, where the sequential choice takes a whole
/// lap of the range first: what a churning client's conntrack sees (docs/churn.md).
/// </summary>
internal sealed class LinuxPortChooser(SimRandom random)
{
    private const int PerturbSize = 1 << 16;   // INET_TABLE_PERTURB_SIZE
    private readonly ulong _secret = random.NextUInt64();
    private readonly Dictionary<int, uint> _perturb = new();

    /// <summary>A free port in [<paramref name="first"/>, <paramref name="last"/>] for which <paramref name="free"/> holds, or null.</summary>
    public ushort? Choose(Ipv4Address local, Ipv4Address remote, ushort remotePort, ushort first, ushort last, Func<ushort, bool> free)
    {
        int low = first, high = last + 1;
        uint remaining = (uint)(high - low);
        if (remaining > 1) remaining &= ~1u;
        ulong portOffset = PortOffset(local, remote, remotePort);
        int index = (int)(portOffset & (PerturbSize - 1));
        if (!_perturb.TryGetValue(index, out uint perturb)) perturb = (uint)random.NextUInt64();   // get_random_sleepable_once
        uint offset = (perturb + (uint)(portOffset >> 32)) % remaining;
        offset &= ~1u;
        while (true)
        {
            int port = low + (int)offset;
            for (uint i = 0; i < remaining; i += 2, port += 2)
            {
                if (port >= high) port -= (int)remaining;
                if (!free((ushort)port)) continue;
                uint step = Math.Max(i, (uint)random.NextUInt64(8) * 2);
                _perturb[index] = perturb + step + 2;
                return (ushort)port;
            }
            offset++;
            if ((offset & 1) == 0 || remaining <= 1) return null;
        }
    }

    // secure_ipv4_port_ephemeral: a keyed hash of the destination; any good keyed mix will do here.
    private ulong PortOffset(Ipv4Address local, Ipv4Address remote, ushort remotePort)
    {
        ulong z = _secret ^ ((ulong)local.Value << 32 | remote.Value) ^ ((ulong)remotePort * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
