using System.Diagnostics;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using MeshSim.Control.Compiler;
using MeshSim.Control.Registry;
using MeshSim.Control.Rules;
using MeshSim.Control.Topology;

namespace MeshSim.Control.Live;

/// <summary>One line of the loop's log: what happened, when, and why.</summary>
public sealed record ControlEvent(DateTimeOffset At, string Kind, string Message);

/// <summary>
/// The controller's live loop: sources -> merge -> coalesce bursts -> compile -> diff against what
/// each switch holds -> push. It is fail-static: an outage or a bad snapshot is reported and the
/// switches keep their last good rules; nothing is ever flushed because a source went quiet. A
/// switch that refuses an update keeps its old rules, and the loop keeps its view of that switch
/// unchanged so the next update retries the difference.
/// </summary>
public sealed class ControlLoop
{
    private readonly IncrementalCompiler _compiler;
    private readonly Dictionary<string, ISwitchSink> _sinks;
    private readonly Dictionary<string, RuleSet> _installed = new(StringComparer.Ordinal);
    private readonly Action<ControlEvent> _log;
    private readonly IScheduler _clock;

    /// <summary>Creates the loop; every switch starts as empty (the first push installs everything).</summary>
    public ControlLoop(NetworkTopology topology, MeshOptions options, IEnumerable<ISwitchSink> sinks, Action<ControlEvent> log, IScheduler? clock = null)
    {
        _compiler = new IncrementalCompiler(topology, options);
        _sinks = sinks.ToDictionary(s => s.Switch, StringComparer.Ordinal);
        foreach (var sw in topology.Switches) _installed[sw.Name] = new RuleSet(sw.Name, [], []);
        _log = log;
        _clock = clock ?? Scheduler.Default;
    }

    /// <summary>Updates applied (one compile and push each).</summary>
    public int Pushes { get; private set; }
    /// <summary>Flow and group modifications sent so far.</summary>
    public int Mods { get; private set; }
    /// <summary>Registry-change-to-rules-in-place time of each push.</summary>
    public List<TimeSpan> Latencies { get; } = new();
    /// <summary>What each switch holds now, as far as the loop knows.</summary>
    public IReadOnlyDictionary<string, RuleSet> Installed => _installed;

    /// <summary>Wires the pipeline: merge the sources, coalesce bursts, and handle each snapshot.</summary>
    public IDisposable Run(IEnumerable<IObservable<RegistryUpdate>> sources, TimeSpan quiet, TimeSpan maxDelay) =>
        sources.Merge()
            .Do(u => { if (u.Outage is not null) Log("outage", $"{u.Source}: {u.Outage}; switches keep their rules"); })
            .Where(u => u.Registry is not null)
            .Select(u => (Update: u, ReceivedAt: Stopwatch.GetTimestamp()))
            .CoalesceBursts(quiet, maxDelay, _clock)
            .Subscribe(x => Handle(x.Update, x.ReceivedAt), ex => Log("error", $"source pipeline failed: {ex.Message}"));

    /// <summary>Compiles one snapshot (incrementally: only what changed since the last one) and pushes the differences (also usable without Rx).</summary>
    public void Handle(RegistryUpdate update, long receivedTimestamp = 0)
    {
        foreach (var r in update.Rejected) Log("rejected", $"{update.Source}: {r}");
        CompileResult compiled;
        try
        {
            compiled = _compiler.Update(update.Registry!);
        }
        catch (RegistryException ex)
        {
            Log("rejected", $"{update.Source}: snapshot not applied, switches keep their rules: {ex.Message}");
            return;
        }
        int mods = 0;
        foreach (var desired in compiled.RuleSets)
        {
            if (!_sinks.TryGetValue(desired.Switch, out var sink)) continue;
            var installed = _installed[desired.Switch];
            if (ReferenceEquals(installed, desired)) continue;     // the compiler reused this switch's rules and the switch has them
            var diff = RuleSetDiff.Compute(installed, desired);
            if (diff.IsEmpty) continue;
            try
            {
                sink.Apply(diff);
                _installed[desired.Switch] = desired;
                mods += diff.Count;
            }
            catch (SinkException ex)
            {
                Log("refused", ex.Message);
            }
        }
        Pushes++;
        Mods += mods;
        if (receivedTimestamp != 0) Latencies.Add(Stopwatch.GetElapsedTime(receivedTimestamp));
        Log("pushed", $"{update.Source}: {mods} modification(s) over {compiled.RuleSets.Count} switch(es)");
    }

    private void Log(string kind, string message) => _log(new ControlEvent(_clock.Now, kind, message));
}
