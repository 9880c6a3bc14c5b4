using System.Globalization;
using TppGate.Pki;
using TppGate.Testing.Fuzz;

var inputs = 1_000_000;
var seed = 1;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--inputs" when i + 1 < args.Length:
            inputs = int.Parse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture);
            break;
        case "--seed" when i + 1 < args.Length:
            seed = int.Parse(args[++i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            break;
        default:
            Console.Error.WriteLine("usage: TppGate.Fuzz [--inputs N] [--seed S]");
            return 2;
    }
}

Console.WriteLine($"TppGate header fuzz: {inputs:N0} inputs, seed {seed}, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var fuzzer = new HeaderFuzzer(CertificateCatalogue.Shared);
try
{
    var report = await fuzzer.RunAsync(seed, inputs, r => Console.WriteLine($"  {r.Inputs:N0} inputs, {r.Elapsed.TotalSeconds:F0} s, {r.ViolationCount} violations"), cancel.Token);
    Console.WriteLine(report.Summary());
    return report.ViolationCount == 0 ? 0 : 1;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("cancelled");
    return 130;
}
