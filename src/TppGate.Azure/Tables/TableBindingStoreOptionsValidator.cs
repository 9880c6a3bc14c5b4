using Microsoft.Extensions.Options;

namespace TppGate.Azure.Tables;

/// <summary>Rejects options the store cannot run with, at start-up rather than on the first request.</summary>
internal sealed class TableBindingStoreOptionsValidator : IValidateOptions<TableBindingStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, TableBindingStoreOptions options)
    {
        var failures = new List<string>();
        if (!IsValidTableName(options.TableName))
        {
            failures.Add("Bindings:TableName must be 3-63 letters or digits, starting with a letter.");
        }

        if (!string.IsNullOrWhiteSpace(options.ConnectionString) && options.TableServiceUri is not null)
        {
            failures.Add("Set Bindings:ConnectionString or Bindings:TableServiceUri, not both.");
        }

        // Runs after Bindings:Connection was resolved, so an unresolvable connection name fails here too.
        if (string.IsNullOrWhiteSpace(options.ConnectionString) && options.TableServiceUri is null)
        {
            failures.Add("Set Bindings:ConnectionString, Bindings:TableServiceUri, or Bindings:Connection naming a connection string or a section with tableServiceUri.");
        }

        // A token credential is only ever sent over TLS: Azure.Core refuses bearer tokens on http at the first
        // request, which would otherwise surface as "storage unavailable" on every call instead of at start-up.
        if (options.TableServiceUri is { } uri && (!uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add("Bindings:TableServiceUri must be an absolute https URI (it is used with a token credential); for Azurite use Bindings:ConnectionString.");
        }

        CheckTimeout(failures, nameof(options.HotPathNetworkTimeout), options.HotPathNetworkTimeout);
        CheckTimeout(failures, nameof(options.AdminNetworkTimeout), options.AdminNetworkTimeout);
        if (options.HotPathMaxRetries is < 0 or > 5 || options.AdminMaxRetries is < 0 or > 10)
        {
            failures.Add("Bindings retries must be 0-5 on the hot path and 0-10 for admin calls.");
        }

        if (options.HotPathRetryDelay < TimeSpan.Zero || options.AdminRetryDelay < TimeSpan.Zero || options.ClockSkewAllowance < TimeSpan.Zero)
        {
            failures.Add("Bindings delays and the clock skew allowance cannot be negative.");
        }

        if (options.ChangeRetention < TimeSpan.FromMinutes(1))
        {
            failures.Add("Bindings:ChangeRetention must be at least 1 minute.");
        }

        if (options.MaxExpiringResults < 1)
        {
            failures.Add("Bindings:MaxExpiringResults must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool IsValidTableName(string? name)
        => name is { Length: >= 3 and <= 63 }
           && char.IsAsciiLetter(name[0])
           && name.All(char.IsAsciiLetterOrDigit);

    private static void CheckTimeout(List<string> failures, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromMinutes(2))
        {
            failures.Add($"Bindings:{name} must be positive and at most 2 minutes.");
        }
    }
}
