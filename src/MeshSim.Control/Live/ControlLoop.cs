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
    // Guards the loop's state against a metrics scrape on another thread (Snapshot); updates are serialized anyway.
    private readonly object _gate = new();
    private int _outages, _rejectedSnapshots, _services, _allowedPairs, _deniedPairs;
    private readonly Dictionary<string, int> _refused = new(StringComparer.Ordinal);
    private DateTimeOffset? _lastPush;

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
            .Do(u =>
            {
                if (u.Outage is null) return;
                lock (_gate) _outages++;
                Log("outage", $"{u.Source}: {u.Outage}; switches keep their rules");
            })
            .Where(u => u.Registry is not null)
            .Select(u => (Update: u, ReceivedAt: Stopwatch.GetTimestamp()))
            .CoalesceBursts(quiet, maxDelay, _clock)
            .Subscribe(x => Handle(x.Update, x.ReceivedAt), ex => Log("error", $"source pipeline failed: {ex.Message}"));

    /// <summary>Compiles one snapshot (incrementally: only what changed since the last one) and pushes the differences (also usable without Rx).</summary>
    public void Handle(RegistryUpdate update, long receivedTimestamp = 0)
    {
        lock (_gate) HandleLocked(update, receivedTimestamp);
    }

    /// <summary>A consistent reading of the loop's counters, for a metrics scrape from any thread.</summary>
    public ControlLoopSnapshot Snapshot()
    {
        lock (_gate)
            return new ControlLoopSnapshot(Pushes, Mods, _rejectedSnapshots, _outages, _services, _allowedPairs, _deniedPairs, _lastPush,
                Latencies.ToArray(),
                _installed.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value.Flows.Count, kv.Value.Groups.Count, _refused.GetValueOrDefault(kv.Key))).ToArray());
    }

    private void HandleLocked(RegistryUpdate update, long receivedTimestamp)
    {
        foreach (var r in update.Rejected) Log("rejected", $"{update.Source}: {r}");
        CompileResult compiled;
        try
        {
            compiled = _compiler.Update(update.Registry!);
        }
        catch (RegistryException ex)
        {
            _rejectedSnapshots++;
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
                _refused[desired.Switch] = _refused.GetValueOrDefault(desired.Switch) + 1;
                Log("refused", ex.Message);
            }
        }
        Pushes++;
        Mods += mods;
        _services = update.Registry!.Services.Count;
        _allowedPairs = compiled.Pairs.Where(p => p.Allowed).Select(p => (p.Source, p.Destination)).Distinct().Count();
        _deniedPairs = compiled.Pairs.Where(p => !p.Allowed).Select(p => (p.Source, p.Destination)).Distinct().Count();
        _lastPush = _clock.Now;
        if (receivedTimestamp != 0) Latencies.Add(Stopwatch.GetElapsedTime(receivedTimestamp));
        Log("pushed", $"{update.Source}: {mods} modification(s) over {compiled.RuleSets.Count} switch(es)");
    }

    private void Log(string kind, string message) => _log(new ControlEvent(_clock.Now, kind, message));
}

/// <summary>The loop's counters at one instant (see <see cref="ControlLoop.Snapshot"/>); <c>Switches</c> lists,
/// per switch in name order, the flows and groups it holds as far as the loop knows and the updates it refused.</summary>
public sealed record ControlLoopSnapshot(
    int Pushes, int Mods, int RejectedSnapshots, int Outages, int Services, int AllowedPairs, int DeniedPairs, DateTimeOffset? LastPush,
    IReadOnlyList<TimeSpan> Latencies, IReadOnlyList<(string Switch, int Flows, int Groups, int Refused)> Switches);
