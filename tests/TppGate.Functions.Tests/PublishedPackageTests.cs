using System.Diagnostics;
using System.Reflection;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using TppGate.Testing.Azurite;

namespace TppGate.Functions.Tests;

/// <summary>
/// The package the bank deploys: <c>dotnet publish</c> of the Functions project, run the way azd and the deploy
/// workflow run it (no runtime identifier on the command line). Its own outputs go to a temporary artifacts path,
/// so the publish never touches the build the other tests are running from.
/// </summary>
public sealed class PublishedPackageTests
{
    // An R2R image compiled for Linux stores its machine as the target's machine XOR the Linux OS code (0x7B79).
    private const ushort LinuxX64ReadyToRunMachine = (ushort)Machine.Amd64 ^ 0x7B79;

    private static readonly Lazy<Task<string>> Published = new(PublishAsync);

    [Fact]
    public async Task TppGate_assemblies_in_the_package_are_ReadyToRun_for_linux_x64()
    {
        var folder = await Published.Value;

        var assemblies = Directory.GetFiles(folder, "TppGate.*.dll");
        Assert.Equal(["TppGate.Azure.dll", "TppGate.Core.dll", "TppGate.Functions.dll", "TppGate.Http.dll"], assemblies.Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToArray());
        foreach (var path in assemblies)
        {
            using var reader = new PEReader(File.OpenRead(path));
            var headers = reader.PEHeaders;
            Assert.True(headers.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, $"{Path.GetFileName(path)} holds IL only: no ReadyToRun code");
            Assert.Equal(LinuxX64ReadyToRunMachine, (ushort)headers.CoffHeader.Machine);
        }
    }

    [Fact]
    public async Task The_package_is_framework_dependent_and_indexes_every_function_in_the_assembly()
    {
        var folder = await Published.Value;

        // Flex Consumption brings the .NET runtime: a self-contained package would ship (and pin) its own.
        Assert.False(File.Exists(Path.Combine(folder, "libcoreclr.so")), "the package carries its own runtime");
        using var runtimeConfig = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "TppGate.Functions.runtimeconfig.json"), TestContext.Current.CancellationToken));
        Assert.False(runtimeConfig.RootElement.GetProperty("runtimeOptions").TryGetProperty("includedFrameworks", out _));

        var declared = typeof(TppGate.Functions.Functions.Authorize).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Select(m => m.GetCustomAttribute<FunctionAttribute>()?.Name)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToArray();
        using var metadata = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "functions.metadata"), TestContext.Current.CancellationToken));
        var indexed = metadata.RootElement.EnumerateArray().Select(f => f.GetProperty("name").GetString()!).Order(StringComparer.Ordinal).ToArray();
        Assert.Contains("Authorize", declared);
        Assert.Equal(declared, indexed);
    }

    private static async Task<string> PublishAsync()
    {
        var root = AzuriteInstance.FindRepositoryRoot();
        var work = Directory.CreateTempSubdirectory("tppgate-publish-");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(work.FullName);
        var output = Path.Combine(work.FullName, "package");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["publish", Path.Combine(root, "src", "TppGate.Functions", "TppGate.Functions.csproj"), "-c", "Release", "-o", output, "--artifacts-path", Path.Combine(work.FullName, "artifacts"), "--nologo"])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet publish of the Functions app took over 8 minutes");
        }

        Assert.True(process.ExitCode == 0, $"dotnet publish failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");

        // The intermediate outputs (about 100 MB) are not needed once the package is written.
        TryDelete(Path.Combine(work.FullName, "artifacts"));
        return output;
    }

    private static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise.
        }
    }
}
