using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/HyperIft.Benchmarks -- --filter '*'            (full runs)
// dotnet run -c Release --project bench/HyperIft.Benchmarks -- --filter '*' --job dry  (smoke: CI)
BenchmarkSwitcher.FromAssembly(typeof(HyperIft.Benchmarks.KernelBenchmarks).Assembly).Run(args);
