using BenchmarkDotNet.Running;
using MeshSim.Benchmarks.Stack;

// Run all: dotnet run -c Release --project tools/MeshSim.Benchmarks -- --filter '*'
// Bulk TCP by CPU time (for shared machines): dotnet run -c Release --project tools/MeshSim.Benchmarks -- bulk-cpu
if (args is ["bulk-cpu"]) { BulkCpuTime.Run(); return 0; }
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
// A benchmark whose setup failed (a missing native library) has no figure; the run as a whole must
// not look successful then, so scripts and CI notice the row that was not measured.
var failed = summaries.SelectMany(s => s.Reports).Where(r => !r.Success).Select(r => r.BenchmarkCase.DisplayInfo).ToList();
foreach (var name in failed) Console.Error.WriteLine($"*** not measured: {name}");
return failed.Count > 0 || summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
