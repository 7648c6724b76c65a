namespace MeshSim.Ovs.Conntrack;

/// <summary>A NAT range as the datapath receives it (struct nat_action_info_t); addresses and ports in host order.</summary>
/// <param name="Action">Src or Dst, plus SrcPort/DstPort when a port range was given. None = bare <c>nat</c>
/// (only un-NAT existing connections).</param>
/// <param name="MinAddr">Lowest address of the range (0 = keep the packet's own).</param>
/// <param name="MaxAddr">Highest address of the range.</param>
/// <param name="MinPort">Lowest port of the range (0 = none given).</param>
/// <param name="MaxPort">Highest port of the range.</param>
public readonly record struct NatRequest(NatMode Action, uint MinAddr, uint MaxAddr, ushort MinPort, ushort MaxPort)
{
    /// <summary>Translates the flow syntax's <see cref="NatSpec"/> as dpif-netdev does (a missing max = min;
    /// any port makes it a port NAT).</summary>
    public static NatRequest From(NatSpec spec)
    {
        var action = spec.Kind switch { NatKind.Source => NatMode.Src, NatKind.Destination => NatMode.Dst, _ => NatMode.None };
        uint min = spec.AddressMin?.Value ?? 0, max = spec.AddressMax?.Value ?? min;
        ushort pmin = spec.PortMin, pmax = spec.PortMax == 0 ? spec.PortMin : spec.PortMax;
        if (pmin != 0 || pmax != 0)
            action |= (action & NatMode.Src) != 0 ? NatMode.SrcPort : (action & NatMode.Dst) != 0 ? NatMode.DstPort : NatMode.None;
        return new NatRequest(action, min, max, pmin, pmax);
    }
}

/// <summary>What one <c>ct(...)</c> action asks of the connection tracker.</summary>
public readonly record struct CtRequest(bool Commit, bool Force, ushort Zone, NatRequest? Nat)
{
    /// <summary>ct_mark value/mask to set on the connection (from <c>exec(set_field:V/M-&gt;ct_mark)</c>), if any.</summary>
    public (uint Value, uint Mask)? SetMark { get; init; }

    /// <summary>ct_label value/mask to set, if any.</summary>
    public (UInt128 Value, UInt128 Mask)? SetLabel { get; init; }
}

/// <summary>
/// The conntrack metadata a packet carries through the datapath (struct pkt_metadata's ct_* fields,
/// plus the connection cached by the last ct() so a second ct() in the same zone is cheap and does
/// not re-run the state machine, as process_one_fast does).
/// </summary>
public struct CtMetadata
{
    /// <summary>ct_state.</summary>
    public CtState State;
    /// <summary>ct_zone.</summary>
    public ushort Zone;
    /// <summary>ct_mark.</summary>
    public uint Mark;
    /// <summary>ct_label.</summary>
    public UInt128 Label;
    /// <summary>True when <see cref="Orig"/> holds the original-direction tuple (ct_nw_src, ...).</summary>
    public bool HasOrig;
    /// <summary>The original-direction tuple.</summary>
    public ConnKey Orig;

    internal Connection? Cached;
    internal bool CachedReply, CachedRelated;

    /// <summary>ct_clear: back to untracked.</summary>
    public void Clear() => this = default;
}
