using MeshSim.Ovs.Classification;
using MeshSim.Wire;

namespace MeshSim.Ovs.Tracing;

/// <summary>
/// The datapath <c>set(...)</c> actions OVS prints for header changes the pipeline made before an
/// output, ct() or hash() (commit_odp_actions): one per header, only the changed fields, in OVS's order
/// (<c>set(eth(src=..,dst=..))</c>, <c>set(ipv4(src=..,dst=..,tos=..,ttl=..))</c>, <c>set(tcp(src=..,dst=..))</c>).
/// Used only when tracing.
/// </summary>
internal static class DatapathSetText
{
    /// <summary>Appends the set actions that turn <paramref name="bytes"/> (the headers as they are) into
    /// <paramref name="flow"/> (as the pipeline wants them).</summary>
    public static void Describe(in FlowKey bytes, in PacketKey flow, List<string> into)
    {
        var eth = new List<string>();
        ulong src = flow.Get(KeyField.DlSrc), dst = flow.Get(KeyField.DlDst);
        if (src != bytes.EthSrc.Value) eth.Add($"src={new MacAddress(src)}");
        if (dst != bytes.EthDst.Value) eth.Add($"dst={new MacAddress(dst)}");
        if (eth.Count > 0) into.Add($"set(eth({string.Join(',', eth)}))");

        ushort tci = (ushort)flow.Get(KeyField.VlanTci);
        if (tci != bytes.VlanTci)
        {
            if (bytes.VlanTci != 0) into.Add("pop_vlan");
            if (tci != 0) into.Add($"push_vlan(vid={tci & 0x0FFF},pcp={tci >> 13})");
        }

        if (bytes.EthType == 0x0800)
        {
            var ip = new List<string>();
            uint nwSrc = (uint)flow.Get(KeyField.NwSrc), nwDst = (uint)flow.Get(KeyField.NwDst);
            byte tos = (byte)flow.Get(KeyField.NwTos), ttl = (byte)flow.Get(KeyField.NwTtl);
            if (nwSrc != bytes.NwSrc.Value) ip.Add($"src={new Ipv4Address(nwSrc)}");
            if (nwDst != bytes.NwDst.Value) ip.Add($"dst={new Ipv4Address(nwDst)}");
            if (tos != bytes.NwTos) ip.Add($"tos=0x{tos:x}");
            if (ttl != bytes.NwTtl) ip.Add($"ttl={ttl}");
            if (ip.Count > 0) into.Add($"set(ipv4({string.Join(',', ip)}))");

            string? l4 = bytes.NwProto switch { 6 => "tcp", 17 => "udp", 132 => "sctp", _ => null };
            if (l4 is not null)
            {
                var ports = new List<string>();
                ushort tpSrc = (ushort)flow.Get(KeyField.TpSrc), tpDst = (ushort)flow.Get(KeyField.TpDst);
                if (tpSrc != bytes.TpSrc) ports.Add($"src={tpSrc}");
                if (tpDst != bytes.TpDst) ports.Add($"dst={tpDst}");
                if (ports.Count > 0) into.Add($"set({l4}({string.Join(',', ports)}))");
            }
        }
        else if (bytes.EthType == 0x0806)
        {
            var arp = new List<string>();
            uint spa = (uint)flow.Get(KeyField.NwSrc), tpa = (uint)flow.Get(KeyField.NwDst);
            byte op = (byte)flow.Get(KeyField.NwProto);
            ulong sha = flow.Get(KeyField.ArpSha), tha = flow.Get(KeyField.ArpTha);
            if (spa != bytes.NwSrc.Value) arp.Add($"sip={new Ipv4Address(spa)}");
            if (tpa != bytes.NwDst.Value) arp.Add($"tip={new Ipv4Address(tpa)}");
            if (op != bytes.NwProto) arp.Add($"op={op}");
            if (sha != bytes.ArpSha.Value) arp.Add($"sha={new MacAddress(sha)}");
            if (tha != bytes.ArpTha.Value) arp.Add($"tha={new MacAddress(tha)}");
            if (arp.Count > 0) into.Add($"set(arp({string.Join(',', arp)}))");
        }
    }
}
