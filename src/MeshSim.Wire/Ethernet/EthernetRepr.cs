namespace MeshSim.Wire;

/// <summary>An Ethernet II header's values; <see cref="VlanTci"/> null means untagged
/// (a tag is emitted with TPID 0x8100).</summary>
public readonly record struct EthernetRepr(MacAddress Source, MacAddress Destination, ushort EtherType, ushort? VlanTci = null)
{
    /// <summary>Reads the header; cannot fail once <see cref="EthernetView.TryCreate"/> passed
    /// (the signature matches the other reprs).</summary>
    public static bool TryParse(EthernetView view, out EthernetRepr repr, out WireError error)
    {
        repr = new EthernetRepr(view.Source, view.Destination, view.EtherType, view.HasVlanTag ? view.VlanTci : null);
        error = default;
        return true;
    }

    /// <summary>Header length: 14, or 18 when tagged.</summary>
    public int HeaderLength => VlanTci is null ? EthernetView.UntaggedHeaderLength : EthernetView.UntaggedHeaderLength + EthernetView.VlanTagLength;

    /// <summary>Bytes needed for this header plus <paramref name="payloadLength"/>.</summary>
    public int BufferLength(int payloadLength) => HeaderLength + payloadLength;

    /// <summary>Writes every header byte (the payload is left alone).</summary>
    public void Emit(EthernetView view)
    {
        view.Destination = Destination;
        view.Source = Source;
        if (VlanTci is ushort tci)
        {
            view.SetVlanTpid(MeshSim.Wire.EtherType.Vlan);   // first: it decides where EtherType goes
            view.VlanTci = tci;
        }
        else if (view.HasVlanTag)
        {
            view.SetVlanTpid(0);                               // stale tag in a reused buffer
        }
        view.EtherType = EtherType;
    }
}
