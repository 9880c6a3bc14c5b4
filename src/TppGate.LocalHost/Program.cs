using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using TppGate.LocalHost.Hosting;

await using var run = await LocalHostApp.BuildAsync(args);
await run.App.StartAsync();
var addresses = run.App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
Console.WriteLine(LocalRunGuide.Describe(run, addresses));
await run.App.WaitForShutdownAsync();
