using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MeshSim.Ovs.Tests.Syntax.Generators;

namespace MeshSim.Ovs.Tests.Syntax;

/// <summary>Properties over generated flow and group text.</summary>
public class RoundTripProperties
{
    public static Arbitrary<string> FlowText() => OvsTextGen.Flow.ToArbitrary();

    /// <summary>What MeshSim prints is itself valid input that prints the same (OVS's dump output can be fed back, too).</summary>
    [Property(MaxTest = 500, Arbitrary = [typeof(RoundTripProperties)])]
    public Property Printed_flow_reparses_to_the_same_text(string text)
    {
        bool ok = OvsParser.TryParseFlow(text, out var flow, out _);
        if (!ok) return true.Classify(true, "rejected");
        var printed = flow!.ToString();
        var again = OvsParser.ParseFlow(printed.Replace(" actions=", ",actions=")).ToString();
        // A field dropped for lacking its prerequisite (nw_ecn without ip) still made ovs-ofctl talk NXM, which
        // kept a VLAN match OpenFlow 1.0 would normalise; the printed text lacks it, so its reparse is normalised
        // (as on the real switch).
        bool same = again == printed || again == OvsParser.WithOpenFlow10Match(flow).ToString();
        return same.Label($"{printed}\n  reprinted as\n{again}").Classify(false, "accepted");
    }

    [Property(MaxTest = 300)]
    public Property Printed_group_reparses_to_the_same_text(PositiveInt id)
    {
        var text = OvsTextGen.Sample(OvsTextGen.Group((uint)id.Get), 1, (ulong)id.Get)[0];
        if (!OvsParser.TryParseGroup(text, out var group, out _)) return true.ToProperty();
        var printed = group!.ToString();
        var again = OvsParser.ParseGroup(printed).ToString();
        return (again == printed).Label($"{printed}\n  reprinted as\n{again}");
    }

    private static readonly Gen<string> SyntaxJunk =
        Gen.ArrayOf(Gen.Elements("(", ")", ",", "=", ":", "->", "[", "]", "..", "/", "+", "-", "|", " ", "0x", "1", "255", "65536",
                                 "ct", "nat", "exec", "actions", "bucket", "set_field", "load", "move", "reg0", "NXM_NX_REG0", "ip", "tcp",
                                 "nw_src", "ct_state", "trk", "src", "dst", "1.2.3.4", "output", "resubmit", "group", "#", "\\"))
           .Select(parts => string.Concat(parts));

    /// <summary>Any text that parses, however odd, prints as a fixed point: printing it again after
    /// reparsing changes nothing (a missing comma once printed a nat that did not parse back).</summary>
    [Property(MaxTest = 3000)]
    public Property Whatever_parses_prints_as_a_fixed_point() =>
        Prop.ForAll(Gen.Elements("ip,actions=ct(commit,", "ip,actions=ct(", "actions=", "ip,actions=ct(table=1,exec(")
                       .SelectMany(head => SyntaxJunk.Select(j => head + j + ")")).ToArbitrary(), text =>
        {
            if (!OvsParser.TryParseFlow(text, out var flow, out _)) return true.Classify(true, "rejected");
            var printed = flow!.ToString();
            var ok = OvsParser.TryParseFlow(printed.Replace(" actions=", ",actions="), out var again, out var error);
            return (ok && again!.ToString() == printed).Label($"{text}\n  printed as {printed}\n  reparsed: {(ok ? again!.ToString() : error)}").Classify(false, "accepted");
        });

    [Theory]
    [InlineData("ip,actions=ct(commit,nat(dst=10.0.0.1)commit,nat(src))", "ip actions=ct(commit,nat(dst=10.0.0.1),exec(nat(src)))")]
    [InlineData("ip,actions=ct(commit,nat(dst=10.0.0.1),exec(nat(src)))", "ip actions=ct(commit,nat(dst=10.0.0.1),exec(nat(src)))")]
    public void A_nat_among_cts_nested_actions_prints_inside_exec_and_parses_back(string text, string ovsPrints)
    {
        var printed = OvsParser.ParseFlow(text).ToString();
        Assert.Equal(ovsPrints, printed);   // what ovs-ofctl dump-flows prints for it
        Assert.Equal(printed, OvsParser.ParseFlow(printed.Replace(" actions=", ",actions=")).ToString());
    }

    /// <summary>Arbitrary text never crashes the parser: it either parses or yields a positioned error.</summary>
    [Property(MaxTest = 2000)]
    public Property Syntax_shaped_junk_never_crashes_the_parser() =>
        Prop.ForAll(SyntaxJunk.ToArbitrary(), junk =>
        {
            foreach (var text in new[] { junk, "actions=" + junk, "ip," + junk + ",actions=drop", "tcp,actions=ct(" + junk, "group_id=1,type=all,bucket=" + junk })
            {
                OvsParser.TryParseFlow(text, out _, out var e1);
                OvsParser.TryParseGroup(text, out _, out var e2);
                if (e1 is { Column: < 1 } || e2 is { Column: < 1 }) return false;
            }
            return OvsRuleFile.ParseFlows(junk + "\n" + junk).Errors.All(e => e.Line >= 1);
        });

    /// <summary>Arbitrary text never crashes the parser: it either parses or yields a positioned error.</summary>
    [Property(MaxTest = 2000)]
    public bool Parser_never_throws_anything_but_syntax_errors(NonNull<string> junk, int cut)
    {
        var samples = OvsTextGen.Sample(OvsTextGen.Flow, 1, (ulong)(uint)cut);
        var mutated = samples[0][..Math.Abs(cut % (samples[0].Length + 1))] + junk.Get;
        foreach (var text in new[] { junk.Get, mutated, "actions=" + junk.Get, "group_id=1,type=all,bucket=" + junk.Get })
        {
            OvsParser.TryParseFlow(text, out _, out var e1);
            OvsParser.TryParseGroup(text, out _, out var e2);
            if (e1 is { Column: < 1 } || e2 is { Column: < 1 }) return false;
        }
        return true;
    }
}
