using TppGate.Cli;

using var stdin = Console.OpenStandardInput();
return CliApp.Run(args, stdin, Console.Out, Console.Error, TimeProvider.System, stderrIsTerminal: !Console.IsErrorRedirected);
