using System.Diagnostics;
using System.Globalization;
using MeshSim.Benchmarks.Engine;

// Usage: HoldModelRunner --population=N --events=M [--warmup=W] [--mean-ns=X] [--seed=S] [--pingpong=1]
// With --pingpong=1 it runs the two-node ping-pong instead (events = hops, each hop two events).
// Prints one line in the same format as hold-model.cc:
//   scheduler=MeshSim population=1000 events=5000000 seconds=0.5 events_per_sec=10000000 cpu_seconds=0.5 events_per_cpu_sec=10000000 allocated_bytes=0
// (CPU time is the process's, which includes the runtime's background threads, e.g. tiered JIT.)
var options = new Dictionary<string, long> { ["population"] = 1000, ["events"] = 5_000_000, ["warmup"] = 2_000_000, ["mean-ns"] = 1_000_000, ["seed"] = 1, ["pingpong"] = 0 };
foreach (var arg in args)
{
    var parts = arg.TrimStart('-').Split('=', 2);
    if (parts.Length != 2 || !options.ContainsKey(parts[0]) || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long value) || (value <= 0 && parts[0] != "pingpong"))
    {
        Console.Error.WriteLine($"HoldModelRunner: bad argument '{arg}'; expected --population=N, --events=N, --warmup=N, --mean-ns=N, --seed=N or --pingpong=1 with N > 0");
        return 2;
    }
    options[parts[0]] = value;
}

bool pingPong = options["pingpong"] != 0;
Action<long> run;
if (pingPong)
{
    var model = new MeshSim.Benchmarks.Engine.PingPongModel();
    run = model.RunHops;
}
else
{
    var model = new HoldModel(checked((int)options["population"]), (ulong)options["mean-ns"], (ulong)options["seed"]);
    run = model.RunEvents;
}
run(options["warmup"]);                        // JIT tiering and cache warm-up, untimed
long events = options["events"];
var process = Process.GetCurrentProcess();
var cpuStart = process.TotalProcessorTime;
long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
long start = Stopwatch.GetTimestamp();
run(events);
long stop = Stopwatch.GetTimestamp();
long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
process.Refresh();
double cpuSeconds = (process.TotalProcessorTime - cpuStart).TotalSeconds;
double seconds = (double)(stop - start) / Stopwatch.Frequency;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"scheduler={(pingPong ? "MeshSim-pingpong-hops" : "MeshSim")} population={(pingPong ? 2 : options["population"])} events={events} seconds={seconds:0.000000} events_per_sec={events / seconds:0} cpu_seconds={cpuSeconds:0.000000} events_per_cpu_sec={events / cpuSeconds:0} allocated_bytes={allocated}"));
return 0;
