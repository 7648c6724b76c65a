using BenchmarkDotNet.Running;

// Run all: dotnet run -c Release --project tools/MeshSim.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
