using MeshSim.Wire;

namespace MeshSim.Ovs;

/// <summary>
/// <c>ct(commit,force,table=T,zone=Z|zone=SUBFIELD,nat(...),exec(...),alg=ftp)</c>: send the packet
/// through the connection tracker. Without <see cref="RecircTable"/> the packet continues
/// untracked in the current pipeline (a frequent surprise); with it, the packet is re-looked-up in
/// that table with ct_state filled in.
/// </summary>
/// <param name="Commit">Create the connection entry (needed for it to persist).</param>
/// <param name="Force">Commit anew when the existing entry is in the other direction.</param>
/// <param name="Zone">Immediate zone (0 when <paramref name="ZoneSource"/> is used).</param>
/// <param name="ZoneSource">Zone read from a 16-bit subfield, or null.</param>
/// <param name="RecircTable">Table to recirculate to, or null for none.</param>
/// <param name="Alg">Application-layer gateway port (21 = ftp, 69 = tftp), or 0.</param>
/// <param name="Nat">NAT to apply, or null.</param>
/// <param name="Exec">Actions that may set ct_mark/ct_label on commit. A <see cref="CtNatAction"/> can appear here
/// too when the text gave <c>nat</c> after <c>exec</c> or gave a second <c>nat</c> (OVS keeps and prints it inside exec).</param>
public sealed record CtAction(
    bool Commit,
    bool Force,
    ushort Zone,
    SubField? ZoneSource,
    byte? RecircTable,
    ushort Alg,
    NatSpec? Nat,
    IReadOnlyList<OvsAction> Exec) : OvsAction
{
    /// <summary>Plain <c>ct()</c>.</summary>
    public static readonly CtAction Plain = new(false, false, 0, null, null, 0, null, []);
}

/// <summary>A <c>nat(...)</c> that OVS keeps inside <c>ct(exec(...))</c> (only the first, leading nat is <see cref="CtAction.Nat"/>).</summary>
public sealed record CtNatAction(NatSpec Nat) : OvsAction;

/// <summary>Which side a NAT rewrites.</summary>
public enum NatKind : byte
{
    /// <summary>Bare <c>nat</c>: no new binding; un-NAT existing connections (replies, later packets).</summary>
    None,
    /// <summary><c>nat(src=…)</c>.</summary>
    Source,
    /// <summary><c>nat(dst=…)</c>.</summary>
    Destination,
}

/// <summary>Port/address selection flags of <c>nat(...)</c>.</summary>
[Flags]
public enum NatFlags : byte
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary><c>persistent</c>.</summary>
    Persistent = 1,
    /// <summary><c>hash</c> (OVS's <c>proto_hash</c>).</summary>
    Hash = 2,
    /// <summary><c>random</c> (OVS's <c>proto_random</c>).</summary>
    Random = 4,
}

/// <summary>
/// The argument of <c>nat</c>: <c>nat</c>, <c>nat(src)</c>, <c>nat(dst=IP[-IP][:PORT[-PORT]][,persistent|hash|random])</c>.
/// Address and port ranges are inclusive; a missing maximum equals the minimum. <see cref="AddressMin"/>
/// is null when no address range is given (<c>nat(src)</c>); <see cref="PortMin"/> is 0 when no port range is given.
/// </summary>
public sealed record NatSpec(
    NatKind Kind,
    Ipv4Address? AddressMin,
    Ipv4Address? AddressMax,
    ushort PortMin,
    ushort PortMax,
    NatFlags Flags)
{
    /// <summary>Bare <c>nat</c>.</summary>
    public static readonly NatSpec Bare = new(NatKind.None, null, null, 0, 0, NatFlags.None);
}
