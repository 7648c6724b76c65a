using System.Text;

namespace MeshSim.Control.Compiler;

/// <summary>What kind of rule a cookie marks (its top byte).</summary>
public enum CookieKind : byte
{
    /// <summary>Pipeline plumbing: table-miss drops, zone lookups, goto chains.</summary>
    Infrastructure = 0x01,
    /// <summary>ARP answers (virtual IP and hosts).</summary>
    Arp = 0x02,
    /// <summary>Per-host forwarding: L2, endpoint MAC, hairpin, reply rewriting.</summary>
    Host = 0x03,
    /// <summary>An allowed service → upstream pair: its counters are the pair's new connections.</summary>
    PairAllow = 0x10,
    /// <summary>A denied pair: its counters are the refused connection attempts.</summary>
    PairDeny = 0x11,
}

/// <summary>
/// Cookie layout: bits 63–56 the <see cref="CookieKind"/>; for pairs, bits 55–28 and 27–0 are
/// 28-bit stable hashes of the source and destination service names; for hosts, bits 31–0 hash the
/// host name. Hashes (FNV-1a over UTF-8) do not depend on what else is registered, so adding a
/// service never renumbers another pair's cookie, and flow statistics keyed by cookie stay
/// comparable across recompiles.
/// </summary>
public static class Cookies
{
    /// <summary>The cookie of a pair flow.</summary>
    public static ulong Pair(string source, string destination, bool allowed) =>
        ((ulong)(allowed ? CookieKind.PairAllow : CookieKind.PairDeny) << 56)
        | ((ulong)(StableHash(source) & 0x0FFF_FFFF) << 28)
        | (StableHash(destination) & 0x0FFF_FFFF);

    /// <summary>The cookie of a per-host rule.</summary>
    public static ulong Host(string host) => ((ulong)CookieKind.Host << 56) | StableHash(host);

    /// <summary>The cookie of an ARP answer for <paramref name="what"/> (host name, or "vip").</summary>
    public static ulong Arp(string what) => ((ulong)CookieKind.Arp << 56) | StableHash(what);

    /// <summary>The cookie of pipeline plumbing.</summary>
    public static ulong Infrastructure { get; } = (ulong)CookieKind.Infrastructure << 56;

    /// <summary>The kind encoded in a cookie.</summary>
    public static CookieKind KindOf(ulong cookie) => (CookieKind)(cookie >> 56);

    /// <summary>32-bit FNV-1a of the UTF-8 bytes: stable across processes and platforms (unlike string.GetHashCode).</summary>
    public static uint StableHash(string s)
    {
        uint h = 2166136261;
        foreach (var b in Encoding.UTF8.GetBytes(s)) h = (h ^ b) * 16777619;
        return h;
    }
}
