namespace MeshSim.Ovs;

/// <summary>
/// The OpenFlow version whose encoding a dump went through. It changes action spelling:
/// over OpenFlow 1.0 (plain <c>ovs-ofctl dump-flows</c>) <c>set_field:…-&gt;eth_src</c> comes back as
/// <c>mod_dl_src:…</c>, register writes as <c>load:</c>, and <c>goto_table:T</c> as <c>resubmit(,T)</c>;
/// over OpenFlow 1.5 (<c>-O OpenFlow15</c>, always used for groups) everything is <c>set_field</c>.
/// </summary>
public enum OfVersion : byte
{
    /// <summary>OpenFlow 1.0 with Nicira extensions: ovs-ofctl's default.</summary>
    OpenFlow10,
    /// <summary>OpenFlow 1.5.</summary>
    OpenFlow15,
}
