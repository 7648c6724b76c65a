namespace MeshSim.Wire;

/// <summary>A VXLAN header's value: the VNI (24 bits).</summary>
public readonly record struct VxlanRepr(uint Vni)
{
    /// <summary>Reads the header; the I flag must be set (RFC 7348 §5).</summary>
    public static bool TryParse(VxlanView view, out VxlanRepr repr, out WireError error)
    {
        repr = default;
        if ((view.Flags & VxlanView.ValidVniFlag) == 0) { error = WireError.BadField(0, "vxlan.flags (expected I flag 0x08)"); return false; }
        repr = new VxlanRepr(view.Vni);
        error = default;
        return true;
    }

    /// <summary>Header plus the inner frame.</summary>
    public int BufferLength(int innerFrameLength) => VxlanView.HeaderLength + innerFrameLength;

    /// <summary>Writes all 8 header bytes (reserved bits zero).</summary>
    public void Emit(VxlanView view)
    {
        view.Flags = VxlanView.ValidVniFlag;
        view.Reserved1 = 0;
        view.Vni = Vni & 0xFF_FFFF;
        view.Reserved2 = 0;
    }
}
