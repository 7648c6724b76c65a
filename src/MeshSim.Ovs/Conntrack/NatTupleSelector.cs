using MeshSim.Engine;

namespace MeshSim.Ovs.Conntrack;

/// <summary>
/// nat_get_unique_tuple (lib/conntrack.c, OVS 3.1): picks the reply tuple of a NATed connection so
/// that no live connection already answers to it.
/// <list type="number">
/// <item>Address: the range minimum plus hash % range size (a single address when min = max; the
/// packet's own address when no range was given).</item>
/// <item>Source port (SNAT without ports, and every DNAT): start from the packet's own port, within
/// 1–511, 600–1023 or 1024–65535 depending on where it lies; with an explicit SNAT port range: min + hash % size.</item>
/// <item>Destination port (DNAT with ports): min + hash % size; otherwise the packet's own.</item>
/// <item>Try DNAT ports first (if any), then source ports: each search walks the range from its start,
/// wrapping, at most 128 candidates; if that fails and the range is larger, retry from random starts
/// with 64, 32, 16 candidates.</item>
/// </list>
/// The hash is OVS's own (<see cref="NatRangeHash"/>) seeded with <see cref="ConnTracker.NatHashBasis"/>:
/// with the basis of a real ovs-vswitchd (which draws it at random when it starts) every choice is
/// the real one; the random retry starts after 128 taken ports come from the simulation's seed.
/// </summary>
internal static class NatTupleSelector
{
    private const int MaxAttempts = 128;

    public static bool TryFind(ConnTracker ct, Connection conn, in NatRequest nat, long nowNs, SimRandom random, out ConnKey rev)
    {
        var key = conn.Key;
        uint hash = NatRangeHash.Compute(in key, in nat, ct.NatHashBasis);
        bool patProto = key.Proto is 6 or 17;

        uint addr;
        if (nat.MinAddr == 0 && nat.MaxAddr == 0)
            addr = (nat.Action & NatMode.Src) != 0 ? key.Src : key.Dst;
        else
        {
            uint range = nat.MaxAddr - nat.MinAddr + 1;
            addr = range == 0 ? nat.MinAddr + hash : nat.MinAddr + hash % range;
        }

        ushort curSport, minSport, maxSport;
        if ((nat.Action & (NatMode.Src | NatMode.SrcPort)) == NatMode.Src || (nat.Action & NatMode.Dst) != 0)
        {
            curSport = key.SrcPort;
            (minSport, maxSport) = curSport < 512 ? ((ushort)1, (ushort)511) : curSport < 1024 ? ((ushort)600, (ushort)1023) : ((ushort)1024, (ushort)65535);
        }
        else
        {
            (minSport, maxSport) = (nat.MinPort, nat.MaxPort);
            curSport = (ushort)(minSport + hash % (uint)(maxSport - minSport + 1));
        }

        ushort curDport, minDport, maxDport;
        if ((nat.Action & NatMode.DstPort) != 0)
        {
            (minDport, maxDport) = (nat.MinPort, nat.MaxPort);
            curDport = (ushort)(minDport + hash % (uint)(maxDport - minDport + 1));
        }
        else curDport = minDport = maxDport = key.DstPort;

        // The reply key: the reverse of the original, with the translated side replaced.
        rev = conn.RevKey;
        if (patProto) rev = rev with { SrcPort = curDport, DstPort = curSport };
        rev = (nat.Action & NatMode.Src) != 0 ? rev with { Dst = addr } : rev with { Src = addr };

        if (!patProto) return !ct.IsTupleInUse(in rev, nowNs);

        if ((nat.Action & NatMode.DstPort) != 0 && TryPorts(ct, ref rev, dstSide: false, curDport, minDport, maxDport, nowNs, random))
            return true;
        return TryPorts(ct, ref rev, dstSide: true, curSport, minSport, maxSport, nowNs, random);
    }

    // nat_get_unique_l4. dstSide: the reply's destination port (= the original source port).
    private static bool TryPorts(ConnTracker ct, ref ConnKey rev, bool dstSide, ushort curr, ushort min, ushort max, long nowNs, SimRandom random)
    {
        int range = max - min + 1;
        int attempts = Math.Min(range, MaxAttempts);
        ushort orig = curr;
        while (true)
        {
            // FOR_EACH_PORT_IN_RANGE: an out-of-range start gets one extra try, then wraps into the range.
            int n = curr < min || curr > max ? range + 1 : range;
            for (int i = 0; n > 0; n--)
            {
                if (i++ >= attempts) break;
                var candidate = dstSide ? rev with { DstPort = curr } : rev with { SrcPort = curr };
                if (!ct.IsTupleInUse(in candidate, nowNs))
                {
                    rev = candidate;
                    return true;
                }
                curr = curr < min || curr > max || curr == max ? min : (ushort)(curr + 1);
            }
            if (attempts < range && attempts >= 16)
            {
                attempts /= 2;
                curr = (ushort)(min + random.NextUInt64((ulong)range));
                continue;
            }
            rev = dstSide ? rev with { DstPort = orig } : rev with { SrcPort = orig };
            return false;
        }
    }
}
