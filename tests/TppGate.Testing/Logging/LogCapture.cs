using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TppGate.Testing.Logging;

/// <summary>One log entry as a sink receives it: level, event name and the formatted message.</summary>
public sealed record LogEntry(LogLevel Level, string? EventName, string Message);

/// <summary>Keeps every formatted log message of a host, as a log sink would receive it.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public IReadOnlyCollection<string> Messages => [.. _entries.Select(e => e.Message)];

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => capture._entries.Enqueue(new LogEntry(logLevel, eventId.Name, formatter(state, exception)));
    }
}
