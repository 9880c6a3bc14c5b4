using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

if (args.Contains("--cache-memory"))
{
    return TppGate.Benchmarks.CacheMemory.Run();
}

// --ci: a dry run in-process (one invocation each, no separate build) that proves every benchmark runs.
if (args.Contains("--ci"))
{
    IConfig config = ManualConfig.CreateMinimumViable()
        .AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance))
        .AddDiagnoser(MemoryDiagnoser.Default)
        .WithOption(ConfigOptions.StopOnFirstError, true);
    if (TppGate.Benchmarks.TrustedListImportBenchmarks.Locate() is null && Environment.GetEnvironmentVariable("GITHUB_ACTIONS") == "true")
    {
        // A GitHub runner has no copy of ../shared/trusted-lists; everywhere else the import benchmark must run.
        Console.WriteLine("TrustedListImportBenchmarks skipped: ../shared/trusted-lists not found");
        config = config.AddFilter(new BenchmarkDotNet.Filters.SimpleFilter(b => b.Descriptor.Type != typeof(TppGate.Benchmarks.TrustedListImportBenchmarks)));
    }

    var summaries = BenchmarkRunner.Run(typeof(Program).Assembly, config);
    return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
