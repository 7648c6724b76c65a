using System.Globalization;
using System.Text.RegularExpressions;
using MeshSim.Cli.Scenario;

namespace MeshSim.Cli.Run;

/// <summary>A parsed expectation of a scenario's <c>expect:</c> list.</summary>
public abstract record Expectation(ExpectationSpec Source)
{
    /// <summary>Parses every expectation, checking that the names they use exist.</summary>
    public static IReadOnlyList<Expectation> ParseAll(ScenarioSpec s) => s.Expectations.Select(e => Parse(s, e)).ToList();

    private static Expectation Parse(ScenarioSpec s, ExpectationSpec e)
    {
        ScenarioException Bad(string message) => new(s.SourcePath, e.At, message);
        switch (e.Kind)
        {
            case "reach":
            case "connect":
            case "deny":
            {
                // "client@host -> upstream" picks which of the client's hosts connects (a binding is per host).
                var m = Regex.Match(e.Text, @"^\s*([\w.-]+)(?:@([\w.-]+))?\s*->\s*([\w.-]+)\s*$");
                if (!m.Success) throw Bad($"expected \"client -> upstream\" or \"client@host -> upstream\", got \"{e.Text}\"");
                var client = s.Services.FirstOrDefault(x => x.Name == m.Groups[1].Value) ?? throw Bad($"'{m.Groups[1].Value}' is not a service{ScenarioChecks.Hint(m.Groups[1].Value, s.Services.Select(x => x.Name))}");
                string? host = m.Groups[2].Success ? m.Groups[2].Value : null;
                if (host is not null && !client.Instances.Any(i => i.Host == host))
                    throw Bad($"'{client.Name}' has no instance on '{host}' (its hosts: {string.Join(", ", client.Instances.Select(i => i.Host).Distinct())})");
                var upstream = m.Groups[3].Value;
                if (!client.Upstreams.ContainsKey(upstream))
                    throw Bad($"'{client.Name}' has no upstream '{upstream}'" + (Usage.Suggestions.Closest(upstream, client.Upstreams.Keys) is { } near
                        ? $"; did you mean '{near}'?" : $" (its upstreams: {string.Join(", ", client.Upstreams.Keys)})"));
                return new PairExpectation(e, client.Name, upstream, e.Kind != "deny", HttpExchange: e.Kind == "reach", Host: host);
            }
            case "latency":
            {
                var m = Regex.Match(e.Text, @"^\s*([\w.-]+)\s+(min|avg|p50|p90|p99|max)\s*(<=|<|>=|>)\s*(\S+)\s*$");
                if (!m.Success) throw Bad($"expected \"RUN p99 < 20ms\" (statistic one of min, avg, p50, p90, p99, max), got \"{e.Text}\"");
                if (!s.Traffic.Any(t => t.Name == m.Groups[1].Value)) throw Bad($"no traffic run named '{m.Groups[1].Value}'{ScenarioChecks.Hint(m.Groups[1].Value, s.Traffic.Select(t => t.Name))}");
                if (!ScalarValues.TryDuration(m.Groups[4].Value, out var bound)) throw Bad($"expected a duration such as \"20ms\", got \"{m.Groups[4].Value}\"");
                return new LatencyExpectation(e, m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, bound);
            }
            case "flow":
            {
                var m = Regex.Match(e.Text, @"^\s*([\w.-]+)\s+cookie=(0x[0-9a-fA-F]+|[0-9]+)\s+(n_packets|n_bytes)\s*(<=|<|>=|>|==)\s*([0-9]+)\s*$");
                if (!m.Success) throw Bad($"expected \"SWITCH cookie=0x1 n_packets > 0\", got \"{e.Text}\"");
                if (!s.Switches.Any(x => x.Name == m.Groups[1].Value)) throw Bad($"'{m.Groups[1].Value}' is not a switch{ScenarioChecks.Hint(m.Groups[1].Value, s.Switches.Select(x => x.Name))}");
                var c = m.Groups[2].Value;
                bool cookieOk = c.StartsWith("0x")
                    ? ulong.TryParse(c.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var cookie)
                    : ulong.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out cookie);
                if (!cookieOk) throw Bad($"cookie {c} does not fit in 64 bits");
                if (!long.TryParse(m.Groups[5].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var bound))
                    throw Bad($"bound {m.Groups[5].Value} is beyond a 64-bit counter");
                return new FlowExpectation(e, m.Groups[1].Value, cookie, m.Groups[3].Value, m.Groups[4].Value, bound);
            }
            default:
                throw Bad($"unknown expectation '{e.Kind}'");
        }
    }

    /// <summary>Compares with one of &lt;, &lt;=, &gt;, &gt;=, ==.</summary>
    public static bool Compare(double actual, string op, double bound) => op switch
    {
        "<" => actual < bound,
        "<=" => actual <= bound,
        ">" => actual > bound,
        ">=" => actual >= bound,
        _ => actual == bound,
    };
}

/// <summary><c>reach: a -> b</c> (an HTTP exchange completes), <c>connect: a -> b</c> (the TCP
/// handshake completes; <see cref="HttpExchange"/> false) or <c>deny: a -> b</c> (<see cref="Allowed"/> false: no handshake);
/// <see cref="Host"/>, when given, is the client's host that connects (else its first instance's).</summary>
public sealed record PairExpectation(ExpectationSpec Source, string Client, string Upstream, bool Allowed, bool HttpExchange = false, string? Host = null) : Expectation(Source);

/// <summary><c>latency: RUN p99 &lt; 20ms</c>.</summary>
public sealed record LatencyExpectation(ExpectationSpec Source, string Run, string Statistic, string Op, long BoundNs) : Expectation(Source);

/// <summary><c>flow: s1 cookie=0x1 n_packets &gt; 0</c>.</summary>
public sealed record FlowExpectation(ExpectationSpec Source, string Switch, ulong Cookie, string Counter, string Op, long Bound) : Expectation(Source);
