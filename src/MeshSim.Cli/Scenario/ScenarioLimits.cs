using System.Globalization;

namespace MeshSim.Cli.Scenario;

/// <summary>
/// How big a scenario may be. Every limit is a design decision, not an accident of the stack size
/// or the memory of the machine: a file beyond one is refused with a message that names the limit
/// and how to raise it. <see cref="MaxFileBytes"/> and <see cref="MaxDepth"/> are checked before
/// the YAML is trusted, so only the command line (<c>--limit NAME=N</c>) raises them; the counts can
/// also be raised by the scenario's own <c>limits:</c> mapping. docs/scenarios.md lists the defaults.
/// </summary>
public sealed record ScenarioLimits
{
    /// <summary>The defaults.</summary>
    public static ScenarioLimits Default { get; } = new();

    /// <summary>Largest scenario file, in bytes (<c>file_size</c>).</summary>
    public long MaxFileBytes { get; init; } = 4L << 20;
    /// <summary>Deepest nesting of YAML (and topology.json) collections (<c>depth</c>). The loader's memory
    /// and stack use grow with it; 64 is ten times what any scenario needs.</summary>
    public int MaxDepth { get; init; } = 64;
    /// <summary>Hosts (<c>hosts</c>).</summary>
    public int MaxHosts { get; init; } = 1024;
    /// <summary>Switches (<c>switches</c>).</summary>
    public int MaxSwitches { get; init; } = 1024;
    /// <summary>Links (<c>links</c>).</summary>
    public int MaxLinks { get; init; } = 8192;
    /// <summary>Services (<c>services</c>).</summary>
    public int MaxServices { get; init; } = 1024;
    /// <summary>Intention rules (<c>rules</c>).</summary>
    public int MaxRules { get; init; } = 10_000;
    /// <summary>Requests over all traffic runs together (<c>requests</c>).</summary>
    public long MaxRequests { get; init; } = 1_000_000;
    /// <summary>Virtual seconds a run may last (<c>until</c>, also bounding traffic <c>start</c>).</summary>
    public long MaxVirtualSeconds { get; init; } = 3600;

    /// <summary>The names <c>--limit</c> and <c>limits:</c> accept, with what each sets.</summary>
    public static IReadOnlyList<string> Names { get; } = ["file_size", "depth", "hosts", "switches", "links", "services", "rules", "requests", "until"];

    /// <summary>True for the limits a scenario may not raise itself (they guard the parse that would read the raise).</summary>
    public static bool CommandLineOnly(string name) => name is "file_size" or "depth";

    /// <summary>A copy with limit <paramref name="name"/> set to <paramref name="value"/> (seconds for <c>until</c>, bytes for <c>file_size</c>).</summary>
    /// <exception cref="ArgumentException">Unknown name, or a value below 1.</exception>
    public ScenarioLimits With(string name, long value)
    {
        if (value < 1) throw new ArgumentException($"limit '{name}' must be at least 1, got {value}");
        int AsInt() => (int)Math.Min(value, int.MaxValue);
        return name switch
        {
            "file_size" => this with { MaxFileBytes = value },
            "depth" => this with { MaxDepth = Math.Min(AsInt(), 10_000) },
            "hosts" => this with { MaxHosts = AsInt() },
            "switches" => this with { MaxSwitches = AsInt() },
            "links" => this with { MaxLinks = AsInt() },
            "services" => this with { MaxServices = AsInt() },
            "rules" => this with { MaxRules = AsInt() },
            "requests" => this with { MaxRequests = value },
            "until" => this with { MaxVirtualSeconds = Math.Min(value, long.MaxValue / 1_000_000_000) },
            _ => throw new ArgumentException($"unknown limit '{name}' (known: {string.Join(", ", Names)})"),
        };
    }

    /// <summary>Applies <c>NAME=N</c> settings, as given to <c>--limit</c>.</summary>
    /// <exception cref="ArgumentException">A setting that is not NAME=N with a known name and N ≥ 1.</exception>
    public ScenarioLimits With(IEnumerable<string> settings)
    {
        var limits = this;
        foreach (var s in settings)
        {
            int eq = s.IndexOf('=');
            if (eq <= 0 || !long.TryParse(s.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var v))
                throw new ArgumentException($"--limit: expected NAME=N such as hosts=5000, got \"{s}\"");
            limits = limits.With(s[..eq], v);
        }
        return limits;
    }

    /// <summary>The value of limit <paramref name="name"/>, for messages.</summary>
    public long Get(string name) => name switch
    {
        "file_size" => MaxFileBytes, "depth" => MaxDepth, "hosts" => MaxHosts, "switches" => MaxSwitches, "links" => MaxLinks,
        "services" => MaxServices, "rules" => MaxRules, "requests" => MaxRequests, "until" => MaxVirtualSeconds,
        _ => throw new ArgumentException($"unknown limit '{name}'"),
    };

    /// <summary>The sentence that ends every limit message: how to raise it.</summary>
    public static string HowToRaise(string name) => CommandLineOnly(name)
        ? $"raise it with --limit {name}=N"
        : $"raise it with --limit {name}=N or the scenario's 'limits: {{ {name}: N }}'";
}
