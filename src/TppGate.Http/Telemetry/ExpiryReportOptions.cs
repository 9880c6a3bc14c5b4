using Microsoft.Extensions.Options;
using TppGate.Http.Hosting;

namespace TppGate.Http.Telemetry;

/// <summary>
/// The daily expiry report (<see cref="BindingExpiryReport"/>), bound from the section <see cref="SectionName"/>
/// (app setting <c>ExpiryReport__WindowDays</c>). Its schedule is the app setting <c>ExpiryReportSchedule</c> of the
/// timer function that runs it.
/// </summary>
public sealed class ExpiryReportOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ExpiryReport";

    /// <summary>
    /// Active bindings whose certificate expires within this many days are reported (1 to 3650; default 30). Those
    /// already expired are reported too: they deny every request until a new certificate is bound.
    /// </summary>
    public int WindowDays { get; set; } = 30;
}

/// <summary>Checks <see cref="ExpiryReportOptions"/> at start.</summary>
internal sealed class ExpiryReportOptionsValidator : IValidateOptions<ExpiryReportOptions>
{
    public ValidateOptionsResult Validate(string? name, ExpiryReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var f = new List<string>();
        OptionsChecks.Range(f, "ExpiryReport:WindowDays", options.WindowDays, 1, 3650);
        return OptionsChecks.Result(f);
    }
}
