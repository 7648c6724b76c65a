using System.Diagnostics;
using System.Globalization;
using MeshSim.Benchmarks.Engine;

// Usage: HoldModelRunner --population=N --events=M [--warmup=W] [--mean-ns=X] [--seed=S]
// Prints one line in the same format as hold-model.cc:
//   scheduler=MeshSim population=1000 events=5000000 seconds=0.5 events_per_sec=10000000 cpu_seconds=0.5 events_per_cpu_sec=10000000 allocated_bytes=0
// (CPU time is the process's, which includes the runtime's background threads, e.g. tiered JIT.)
var options = new Dictionary<string, long> { ["population"] = 1000, ["events"] = 5_000_000, ["warmup"] = 2_000_000, ["mean-ns"] = 1_000_000, ["seed"] = 1 };
foreach (var arg in args)
{
    var parts = arg.TrimStart('-').Split('=', 2);
    if (parts.Length != 2 || !options.ContainsKey(parts[0]) || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value <= 0)
    {
        Console.Error.WriteLine($"HoldModelRunner: bad argument '{arg}'; expected --population=N, --events=N, --warmup=N, --mean-ns=N or --seed=N with N > 0");
        return 2;
    }
    options[parts[0]] = value;
}

var model = new HoldModel(checked((int)options["population"]), (ulong)options["mean-ns"], (ulong)options["seed"]);
model.RunEvents(options["warmup"]);            // JIT tiering and cache warm-up, untimed
long events = options["events"];
var process = Process.GetCurrentProcess();
var cpuStart = process.TotalProcessorTime;
long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
long start = Stopwatch.GetTimestamp();
model.RunEvents(events);
long stop = Stopwatch.GetTimestamp();
long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
process.Refresh();
double cpuSeconds = (process.TotalProcessorTime - cpuStart).TotalSeconds;
double seconds = (double)(stop - start) / Stopwatch.Frequency;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"scheduler=MeshSim population={options["population"]} events={events} seconds={seconds:0.000000} events_per_sec={events / seconds:0} cpu_seconds={cpuSeconds:0.000000} events_per_cpu_sec={events / cpuSeconds:0} allocated_bytes={allocated}"));
return 0;
