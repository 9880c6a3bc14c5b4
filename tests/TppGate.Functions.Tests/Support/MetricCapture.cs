using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace TppGate.Functions.Tests.Support;

/// <summary>One measurement a <see cref="MeterListener"/> saw: the instrument, its meter, the value and the labels.</summary>
public sealed record Measured(string Meter, string Instrument, double Value, IReadOnlyDictionary<string, string?> Tags)
{
    public string? Tag(string name) => Tags.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// Listens to the instruments of the given meters (compared by reference, so another host's meter of the same name is
/// not heard) and keeps every measurement; <see cref="Observe"/> reads the observable instruments now.
/// </summary>
public sealed class MetricCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measured> _measurements = new();

    public MetricCapture(params Meter[] meters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (meters.Any(m => ReferenceEquals(m, instrument.Meter)))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(Record);
        _listener.SetMeasurementEventCallback<double>(Record);
        _listener.SetMeasurementEventCallback<int>(Record);
        _listener.Start();
    }

    public IReadOnlyCollection<Measured> Measurements => _measurements;

    /// <summary>Runs the observable instruments' callbacks and returns what they reported.</summary>
    public IReadOnlyList<Measured> Observe(string instrument)
    {
        var before = _measurements.Count;
        _listener.RecordObservableInstruments();
        return [.. _measurements.Skip(before).Where(m => m.Instrument == instrument)];
    }

    /// <summary>The <c>tppgate.admin.writes</c> measurements so far, as (action, result), in order.</summary>
    public IReadOnlyList<(string? Action, string? Result)> AdminWrites()
        => [.. _measurements.Where(m => m.Instrument == "tppgate.admin.writes").Select(m => (m.Tag("action"), m.Tag("result")))];

    public void Dispose() => _listener.Dispose();

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        where T : struct
        => _measurements.Enqueue(new Measured(
            instrument.Meter.Name,
            instrument.Name,
            Convert.ToDouble(value, CultureInfo.InvariantCulture),
            tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString(), StringComparer.Ordinal)));
}
