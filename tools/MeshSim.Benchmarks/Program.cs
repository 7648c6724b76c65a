using BenchmarkDotNet.Running;
using MeshSim.Benchmarks.Stack;

// Run all: dotnet run -c Release --project tools/MeshSim.Benchmarks -- --filter '*'
// Bulk TCP by CPU time (for shared machines): dotnet run -c Release --project tools/MeshSim.Benchmarks -- bulk-cpu
if (args is ["bulk-cpu"]) { BulkCpuTime.Run(); return; }
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
