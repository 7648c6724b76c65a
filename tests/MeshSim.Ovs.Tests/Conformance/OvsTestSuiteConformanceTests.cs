using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace MeshSim.Ovs.Tests.Conformance;

/// <summary>
/// The flow strings of Open vSwitch 3.1's own test suite (Corpus/ovs-testsuite-flows.txt), each added alone
/// with <c>ovs-ofctl add-flow</c> to an empty bridge with no groups, as the real switch and MeshSim see them:
/// every line OVS refuses MeshSim must refuse too, and of the lines OVS accepts that use only what MeshSim
/// models (<see cref="OutOfScope"/> lists the rest, with why), at least 99% must print exactly as
/// <c>ovs-ofctl --no-stats dump-flows</c> prints them.
/// </summary>
public sealed class OvsTestSuiteConformanceTests(ITestOutputHelper log)
{
    /// <summary>Features MeshSim does not model; a line using one is left out of the print comparison.</summary>
    public static readonly (Regex Pattern, string Reason)[] OutOfScope =
    [
        (new(@"\blearn\("), "learn: flows that add flows are not modelled"),
        (new(@"\bbundle(_load)?\("), "bundle: member selection by liveness is not modelled"),
        (new(@"\bmultipath\("), "multipath: not modelled"),
        (new(@"\bsample\("), "sample: sFlow/IPFIX sampling has no meaning without collectors"),
        (new(@"\bclone\("), "clone: not modelled"),
        (new(@"\bcheck_pkt_larger\("), "check_pkt_larger: not modelled"),
        (new(@"\bfin_timeout\("), "fin_timeout: flow expiry on TCP FIN is not modelled"),
        (new(@"\bnote\b"), "note: opaque controller annotations are not modelled"),
        (new(@"\b(set_queue|pop_queue|enqueue)\b"), "QoS queues: MeshSim ports have no queues"),
        (new(@"\b(set_tunnel(64)?|tun_\w+)\b"), "tunnels: MeshSim bridges have no tunnel ports or tunnel metadata"),
        (new(@"mpls"), "MPLS: MeshSim models Ethernet, VLAN, IPv4 and ARP only"),
        (new(@"\b(ipv6\w*|icmp6|tcp6|udp6|sctp6|icmpv6\w*|nd_\w+)\b"), "IPv6: MeshSim models IPv4 only"),
        (new(@"\b(encap|decap)\("), "encap/decap: packet types other than Ethernet are not modelled"),
        (new(@"\b(conjunction|conj_id)\b"), "conjunctive matches are not modelled"),
        (new(@"\bmeter\b"), "meters are not modelled"),
        (new(@"\b(skb_priority|recirc_id|dp_hash|packet_type|actset_output|nsh_\w+)\b"), "datapath-internal fields are not modelled"),
    ];

    [OvsFact]
    public void Test_suite_flows_agree_with_OVS()
    {
        var lines = CorpusConformanceTests.Corpus("ovs-testsuite-flows.txt");
        var outcomes = new Conformance.SingleFlow[lines.Count];
        var noGroups = new HashSet<uint>();
        // Two bridges, each adding its half of the lines one at a time (one flow per add-flow, as the tests do).
        Parallel.For(0, 2, half =>
        {
            using var bridge = new OvsBridge();
            for (int i = half; i < lines.Count; i += 2) outcomes[i] = Conformance.AddAlone(bridge, lines[i], noGroups);
        });

        var problems = new List<string>();
        int ovsRejected = 0, inScope = 0, printedExactly = 0, outOfScope = 0;
        foreach (var o in outcomes)
        {
            if (o.Ovs is null)
            {
                ovsRejected++;
                if (o.MeshSim is not null) problems.Add($"OVS rejects, MeshSim accepts: {o.Line}\n    OVS: {o.OvsError}\n    MeshSim: {o.MeshSim}");
                continue;
            }
            if (OutOfScope.Any(s => s.Pattern.IsMatch(o.Line))) { outOfScope++; continue; }
            inScope++;
            if (o.MeshSim == o.Ovs) printedExactly++;
            else problems.Add(o.MeshSim is null
                ? $"OVS accepts, MeshSim rejects: {o.Line}\n    OVS: {o.Ovs}\n    MeshSim: {o.MeshSimError}"
                : $"prints differently: {o.Line}\n    OVS:     {o.Ovs}\n    MeshSim: {o.MeshSim}");
        }

        double percent = inScope == 0 ? 0 : 100.0 * printedExactly / inScope;
        var summary = $"{lines.Count} lines: OVS rejects {ovsRejected} (MeshSim rejects them all unless listed below), accepts {lines.Count - ovsRejected}, " +
                      $"of which {outOfScope} use features out of scope and {inScope} are in scope; {printedExactly} of those print exactly as OVS ({percent:0.0}%)";
        log.WriteLine(summary);
        foreach (var p in problems) log.WriteLine(p);
        var report = new StringBuilder(summary).AppendLine();
        foreach (var p in problems.Take(40)) report.AppendLine(p);

        Assert.True(inScope >= 150, report.ToString());
        Assert.True(percent >= 99.0, report.ToString());
        Assert.True(problems.All(p => !p.StartsWith("OVS rejects", StringComparison.Ordinal)), report.ToString());
    }
}
