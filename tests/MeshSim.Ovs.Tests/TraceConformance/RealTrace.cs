namespace MeshSim.Ovs.Tests.TraceConformance;

/// <summary>What one pass of a trace did: the final flow and the output ports, comparable between
/// real OVS (parsed from ofproto/trace text) and MeshSim.</summary>
public sealed record PassOutcome(string FinalFlow, IReadOnlyList<uint> Outputs, bool Failed)
{
    /// <summary>The final flow with the recirculation id blanked (OVS numbers them switch-wide).</summary>
    public string Normalized => System.Text.RegularExpressions.Regex.Replace(FinalFlow, "recirc_id=0x[0-9a-f]+", "recirc_id=N");

    public bool SameAs(PassOutcome other) => Normalized == other.Normalized && Outputs.SequenceEqual(other.Outputs) && Failed == other.Failed;

    public override string ToString() => $"[{string.Join(",", Outputs)}]{(Failed ? " FAILED" : "")} {FinalFlow}";
}

/// <summary>Parses ofproto/trace output into passes.</summary>
public static class RealTrace
{
    public static List<PassOutcome> Parse(string text, Func<int, uint?> ofPort)
    {
        var passes = new List<PassOutcome>();
        string? flow = null, final = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.StartsWith("Flow: ")) flow = line[6..];
            else if (line.StartsWith("Final flow: ")) final = line[12..];
            else if (line.StartsWith("Datapath actions: "))
            {
                var outs = new List<uint>();
                foreach (var token in SplitTopLevel(line[18..]))
                    if (int.TryParse(token, out int dp) && ofPort(dp) is { } of) outs.Add(of);
                passes.Add(new PassOutcome(final == "unchanged" ? flow! : final!, outs, false));
            }
            else if (line.StartsWith("Translation failed") && passes.Count > 0)
                passes[^1] = passes[^1] with { Outputs = [], Failed = true };
        }
        return passes;
    }

    // "ct(zone=1,nat),recirc(0x1),3" -> ["ct(zone=1,nat)", "recirc(0x1)", "3"]
    private static IEnumerable<string> SplitTopLevel(string s)
    {
        int depth = 0, start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '(') depth++;
            else if (s[i] == ')') depth--;
            else if (s[i] == ',' && depth == 0)
            {
                yield return s[start..i].Trim();
                start = i + 1;
            }
        }
        yield return s[start..].Trim();
    }
}
