using System.Globalization;

namespace MeshSim.Cli.Scenario;

/// <summary>Reads a scenario's <c>limits:</c> mapping and checks a scenario against its limits, with
/// messages that name the limit, its value and how to raise it.</summary>
internal static class ScenarioLimitsReader
{
    /// <summary>Raises (or lowers) the count limits from <c>limits: { hosts: 5000, until: 7200 }</c>.</summary>
    public static ScenarioLimits Raise(ScenarioLimits limits, YamlNodeReader node)
    {
        var m = node.Mapping($"limits {{ {string.Join(", ", ScenarioLimits.Names.Where(n => !ScenarioLimits.CommandLineOnly(n)))} }}");
        foreach (var (key, value) in m.Entries())
        {
            if (ScenarioLimits.CommandLineOnly(key))
                throw value.Error($"limit '{key}' guards reading the file itself, so only the command line raises it (--limit {key}=N)");
            if (!ScenarioLimits.Names.Contains(key))
                throw value.Error($"unknown limit '{key}' (known: {string.Join(", ", ScenarioLimits.Names.Where(n => !ScenarioLimits.CommandLineOnly(n)))})");
            var text = value.Text("a positive integer");
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < 1)
                throw value.Error($"expected a positive integer{(key == "until" ? " (seconds)" : "")}, got \"{text}\"");
            limits = limits.With(key, v);
        }
        return limits;
    }

    /// <summary>Fails when <paramref name="node"/>, a list, holds more items than limit <paramref name="name"/> allows.
    /// Checked before the items are bound, so an oversized list costs nothing.</summary>
    public static void CheckCount(YamlNodeReader? node, string name, ScenarioLimits limits)
    {
        if (node is not { } n || n.Node is not YamlDotNet.RepresentationModel.YamlSequenceNode seq) return;
        long max = limits.Get(name);
        if (seq.Children.Count > max)
            throw n.Error($"{seq.Children.Count} {name} is more than the limit of {max} ({name}); {ScenarioLimits.HowToRaise(name)}");
    }

    /// <summary>The limits only a bound scenario can be checked against: total requests and virtual time.</summary>
    public static void Check(ScenarioSpec s, ScenarioLimits limits, MappingReader root)
    {
        long maxNs = limits.MaxVirtualSeconds * 1_000_000_000;
        if (s.UntilNs > maxNs)
            throw root.Required("until", "").Error($"{ScalarValues.FormatDuration(s.UntilNs)} is more than the limit of {limits.MaxVirtualSeconds} virtual seconds (until); {ScenarioLimits.HowToRaise("until")}");
        long requests = 0;
        foreach (var t in s.Traffic)
        {
            requests += t.Requests;   // at most 10,000 runs (a list limit) of at most int.MaxValue each: no overflow
            if (requests > limits.MaxRequests)
                throw new ScenarioException(s.SourcePath, t.At, $"{requests} requests in traffic up to here is more than the limit of {limits.MaxRequests} (requests); {ScenarioLimits.HowToRaise("requests")}");
            if (t.StartNs > maxNs)
                throw new ScenarioException(s.SourcePath, t.At, $"start {ScalarValues.FormatDuration(t.StartNs)} is more than the limit of {limits.MaxVirtualSeconds} virtual seconds (until); {ScenarioLimits.HowToRaise("until")}");
            if (t.DurationNs > maxNs - t.StartNs)   // (subtracted, not added: a hostile duration must not overflow)
                throw new ScenarioException(s.SourcePath, t.At, $"start {ScalarValues.FormatDuration(t.StartNs)} plus duration {ScalarValues.FormatDuration(t.DurationNs)} is more than the limit of {limits.MaxVirtualSeconds} virtual seconds (until); {ScenarioLimits.HowToRaise("until")}");
        }
    }
}
