using TppGate.Cli;

using var stdin = Console.OpenStandardInput();
return await CliApp.RunAsync(args, CliContext.ForProcess(stdin));
