// Compile-scaling report for the controller: compile time, rule counts, rendered size and the
// incremental diff after one instance turns critical, for a synthetic mesh (see ScaleMesh).
//   dotnet run -c Release --project tools/MeshSim.ControlScale -- [services...]
// Default sizes: 10 100 1000 10000 services, 5 upstreams, 3 instances, 16 switches, 16 hosts each.
// Times are wall-clock (Stopwatch), best of 3 runs (1 run above 1000 services), after one warm-up.
using System.Diagnostics;
using System.Globalization;
using MeshSim.Control.Compiler;
using MeshSim.Control.Registry;
using MeshSim.Control.Rules;
using MeshSim.Control.Samples;

const int Switches = 16, HostsPerSwitch = 16, Instances = 3, Upstreams = 5;
var sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [10, 100, 1000, 10000];
var options = MeshOptions.ThesisLab;
var topology = ScaleMesh.Topology(Switches, HostsPerSwitch);

// A fixed single-thread loop, so figures from a busy machine can be scaled: ~100 ms on an idle 2.6 GHz core.
var cal = Stopwatch.StartNew();
long acc = 0;
for (int i = 0; i < 100_000_000; i++) acc += i ^ (acc >> 3);
Console.WriteLine($"calibration loop: {cal.ElapsedMilliseconds} ms ({acc & 1})");
Console.WriteLine($"{Switches} switches (full mesh), {Switches * HostsPerSwitch} hosts, {Instances} instances and {Upstreams} upstreams per service");
Console.WriteLine($"{"services",8} {"compile ms",10} {"flows/sw max",12} {"flows/sw avg",12} {"groups/sw max",13} {"pair flows",10} {"all flows",10} {"all groups",10} {"render MB",9} {"diff ms",8} {"diff mods",9} {"sw touched",10}");
foreach (var n in sizes)
{
    var registry = ScaleMesh.Registry(topology, n, Instances, Upstreams);
    MeshCompiler.Compile(registry, topology, options); // warm-up (JIT)
    var runs = n > 1000 ? 1 : 3;
    CompileResult result = null!;
    double best = double.MaxValue;
    for (int r = 0; r < runs; r++)
    {
        var sw = Stopwatch.StartNew();
        result = MeshCompiler.Compile(registry, topology, options);
        best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
    }
    var flows = result.RuleSets.Select(rs => rs.Flows.Count).ToArray();
    var groups = result.RuleSets.Select(rs => rs.Groups.Count).ToArray();
    long bytes = result.RuleSets.Sum(rs => (long)RuleText.FormatFlows(rs).Length + RuleText.FormatGroups(rs).Length);
    var pairFlows = result.RuleSets.Sum(rs => rs.Flows.Count(f => Cookies.KindOf(f.Flow.Cookie) is CookieKind.PairAllow or CookieKind.PairDeny));

    // One instance of the middle service turns critical: recompile and diff every switch.
    var victim = registry.Services[n / 2];
    var changed = new ServiceRegistry(registry.Services.Select(s => s != victim ? s
        : s with { Instances = s.Instances.Select((i, k) => k == 0 ? i with { Health = HealthStatus.Critical } : i).ToArray() }), registry.Policy);
    var dsw = Stopwatch.StartNew();
    var after = MeshCompiler.Compile(changed, topology, options);
    var diffs = result.RuleSets.Zip(after.RuleSets, RuleSetDiff.Compute).ToArray();
    var diffMs = dsw.Elapsed.TotalMilliseconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{n,8} {best,10:F1} {flows.Max(),12} {flows.Average(),12:F0} {groups.Max(),13} {pairFlows,10} {flows.Sum(),10} {groups.Sum(),10} {bytes / 1e6,9:F1} {diffMs,8:F1} {diffs.Sum(d => d.Count),9} {diffs.Count(d => !d.IsEmpty),10}"));
}
Console.WriteLine("diff ms = recompile + diff of all switches; diff mods = flow-mods + group-mods over all switches.");
